import { type Command, Option } from "commander";
import type { RunFlags } from "../actions/run.js";
import { ctxFor } from "../ctx-for.js";

export function registerRun(program: Command): void {
  program
    .command("run")
    .summary("Run a particular image on the cluster")
    .description(
      "Create and run a particular image in a pod: `run NAME --image=IMAGE [--command] -- [COMMAND] [args...]`.",
    )
    .argument("[NAME]")
    .argument("[args...]")
    .option("--image <image>", "The image for the container to run.")
    .option(
      "--restart <policy>",
      "The restart policy for this Pod. Legal values [Always, OnFailure, Never].",
      "Always",
    )
    .option(
      "--command",
      "If true and extra arguments are present, use them as the 'command' field in the container, rather than the 'args' field which is the default.",
    )
    .option("--port <port>", "The port that this container exposes.")
    .option("--env <KEY=VALUE...>", "Environment variables to set in the container.")
    .option(
      "-l, --labels <labels>",
      "Comma separated labels to apply to the pod. Will override previous values.",
    )
    .option("--image-pull-policy <policy>", "The image pull policy for the container.")
    .addOption(new Option("--dry-run [strategy]", 'Must be "none", "server", or "client"').preset("client"))
    .option("-o, --output <format>", "Output format: json, yaml, name")
    .action(async (name: string | undefined, args: string[], flags: RunFlags, cmd: Command) => {
      const { runRun } = await import("../actions/run.js");
      await runRun(await ctxFor(cmd), name, args, flags);
    });
}

import { type Command, Option } from "commander";
import type { CreateDeploymentFlags } from "../actions/create-deployment.js";
import type { CreateNamespaceFlags } from "../actions/create-namespace.js";
import { ctxFor } from "../ctx-for.js";
import { CliError } from "../errors.js";
import type { SendFlags } from "../send-manifests.js";

export function registerCreate(program: Command): void {
  const create = program
    .command("create")
    .summary("Create a resource from a file or from stdin")
    .description("Create a resource from a file or from stdin. JSON and YAML formats are accepted.")
    // Not a required option: commander would then ask it of `create deployment` too.
    .option("-f, --filename <file...>", "Filename, directory, or URL to files to use to create the resource")
    .option("-R, --recursive", "Process the directory used in -f, --filename recursively")
    .addOption(new Option("--dry-run [strategy]", 'Must be "none", "server", or "client"').preset("client"))
    .option("-o, --output <format>", "Output format: json, yaml, name")
    .option(
      "--save-config",
      "Store this configuration in the last-applied-configuration annotation, so later applies work",
    )
    .action(async (flags: SendFlags, cmd: Command) => {
      if (!flags.filename?.length) throw new CliError("must specify one of -f and -k");
      const { runCreate } = await import("../actions/create.js");
      await runCreate(await ctxFor(cmd), flags);
    });

  create
    .command("deployment")
    .alias("deploy")
    .summary("Create a deployment with the specified name")
    .description(
      "Create a deployment with the specified name: `create deployment NAME --image=IMAGE -- [COMMAND] [args...]`.",
    )
    .argument("[NAME]")
    .argument("[command...]")
    .option(
      "--image <image...>",
      "Image names to run. A deployment can have multiple images set for multi-container pod.",
    )
    .option("-r, --replicas <n>", "Number of replicas to create. Default is 1.")
    .option("--port <port>", "The containerPort that this deployment exposes.")
    .addOption(new Option("--dry-run [strategy]", 'Must be "none", "server", or "client"').preset("client"))
    .option("-o, --output <format>", "Output format: json, yaml, name")
    .action(async (name: string | undefined, command: string[], _f: unknown, cmd: Command) => {
      const { runCreateDeployment } = await import("../actions/create-deployment.js");
      // -o and --dry-run may land on `create` itself, so read them with the parent's.
      const flags = cmd.optsWithGlobals() as CreateDeploymentFlags;
      await runCreateDeployment(await ctxFor(cmd), name, command, flags);
    });

  create
    .command("namespace")
    .alias("ns")
    .summary("Create a namespace with the specified name")
    .argument("[NAME]")
    .addOption(new Option("--dry-run [strategy]", 'Must be "none", "server", or "client"').preset("client"))
    .option("-o, --output <format>", "Output format: json, yaml, name")
    .action(async (name: string | undefined, _f: unknown, cmd: Command) => {
      const { runCreateNamespace } = await import("../actions/create-namespace.js");
      await runCreateNamespace(await ctxFor(cmd), name, cmd.optsWithGlobals() as CreateNamespaceFlags);
    });
}

import type { Command } from "commander";
import type { SetEnvFlags } from "../actions/set-env.js";
import type { SetResourcesFlags } from "../actions/set-resources.js";
import { ctxFor } from "../ctx-for.js";

export function registerSet(program: Command): void {
  const set = program
    .command("set")
    .summary("Set specific features on objects")
    .description("Configure application resources: images, environment variables and resource requirements.");

  set
    .command("image")
    .summary("Update the image of a pod template")
    .description(
      "Update existing container image(s) of resources: `set image deploy/web nginx=nginx:1.27` (`*` for all).",
    )
    .argument("[TYPE NAME | TYPE/NAME] CONTAINER_NAME=IMAGE...")
    .allowExcessArguments(true)
    .action(async (_a: string | undefined, _flags: unknown, cmd: Command) => {
      const { runSetImage } = await import("../actions/set-image.js");
      await runSetImage(await ctxFor(cmd), cmd.args);
    });

  set
    .command("env")
    .summary("Update environment variables on a pod template")
    .description("Update environment variables on a pod template: KEY=VALUE sets, KEY- removes.")
    .argument("[TYPE NAME | TYPE/NAME] KEY=VALUE... KEY-...")
    .allowExcessArguments(true)
    .option(
      "-c, --containers <names>",
      "The names of containers in the selected pod templates to change",
      "*",
    )
    .option(
      "-e, --env <KEY=VALUE...>",
      "Specify a key-value pair for an environment variable to set into each container.",
    )
    .option("--no-overwrite", "Do not overwrite existing environment variables")
    .action(async (_a: string | undefined, flags: SetEnvFlags, cmd: Command) => {
      const { runSetEnv } = await import("../actions/set-env.js");
      await runSetEnv(await ctxFor(cmd), cmd.args, flags);
    });

  set
    .command("resources")
    .summary("Update resource requests/limits on objects with pod templates")
    .description(
      "Specify compute resource requirements (CPU, memory) for any resource that defines a pod template.",
    )
    .argument("[TYPE NAME | TYPE/NAME]")
    .allowExcessArguments(true)
    .option(
      "-c, --containers <names>",
      "The names of containers in the selected pod templates to change",
      "*",
    )
    .option(
      "--limits <list>",
      "The resource requirement limits for this container, e.g. cpu=200m,memory=512Mi",
    )
    .option(
      "--requests <list>",
      "The resource requirement requests for this container, e.g. cpu=100m,memory=256Mi",
    )
    .action(async (_a: string | undefined, flags: SetResourcesFlags, cmd: Command) => {
      const { runSetResources } = await import("../actions/set-resources.js");
      await runSetResources(await ctxFor(cmd), cmd.args, flags);
    });
}

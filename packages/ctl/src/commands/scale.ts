import type { Command } from "commander";
import type { ScaleFlags } from "../actions/scale.js";
import { ctxFor } from "../ctx-for.js";

export function registerScale(program: Command): void {
  program
    .command("scale")
    .summary("Set a new size for a deployment or replica set")
    .description("Set a new size for a deployment or replica set, through its scale subresource.")
    .argument("[TYPE NAME | TYPE/NAME]")
    .option("--replicas <n>", "The new desired number of replicas. Required.")
    .option(
      "--current-replicas <n>",
      "Precondition for current size. Requires that the current size of the resource match this value in order to scale.",
    )
    .option(
      "-f, --filename <file...>",
      "Filename, directory, or URL to a file identifying the resource to set a new size",
    )
    .allowExcessArguments(true)
    .action(async (_a: string | undefined, flags: ScaleFlags, cmd: Command) => {
      const { runScale } = await import("../actions/scale.js");
      await runScale(await ctxFor(cmd), cmd.args, flags);
    });
}

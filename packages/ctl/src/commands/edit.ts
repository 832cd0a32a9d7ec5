import type { Command } from "commander";
import type { EditFlags } from "../actions/edit.js";
import { ctxFor } from "../ctx-for.js";

export function registerEdit(program: Command): void {
  program
    .command("edit")
    .summary("Edit a resource on the server")
    .description(
      "Edit a resource in $KUBE_EDITOR or $EDITOR (vi by default). The result is written back with its resourceVersion, so a change made meanwhile by someone else is reported as a conflict instead of being overwritten.",
    )
    .argument("<TYPE NAME | TYPE/NAME>")
    .option("-o, --output <format>", "The format to edit in: yaml (default) or json")
    .allowExcessArguments(true)
    .action(async (_a: string, flags: EditFlags, cmd: Command) => {
      const { runEdit } = await import("../actions/edit.js");
      await runEdit(await ctxFor(cmd), cmd.args, flags);
    });
}

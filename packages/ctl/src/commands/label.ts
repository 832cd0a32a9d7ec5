import { type Command, Option } from "commander";
import type { Field, MetaFlags } from "../actions/label.js";
import { ctxFor } from "../ctx-for.js";

export function registerLabel(program: Command): void {
  register(program, "label", "labels", "Update the labels on a resource", "labeled");
}

export function registerAnnotate(program: Command): void {
  register(program, "annotate", "annotations", "Update the annotations on a resource", "annotated");
}

function register(program: Command, verb: string, field: Field, summary: string, done: string): void {
  program
    .command(verb)
    .summary(summary)
    .description(`${summary}: KEY=VALUE sets, KEY- removes; --overwrite allows replacing an existing value.`)
    .argument("<TYPE NAME | TYPE/NAME>")
    .argument("[KEY_VAL...]")
    .option(
      "--overwrite",
      "If true, allow values to be overwritten, otherwise reject updates that overwrite existing values",
    )
    .option("-l, --selector <selector>", "Selector (label query) to filter on")
    .option("--all", "Select all resources, in the namespace of the specified resource types")
    .option("-A, --all-namespaces", "If true, check the specified action in all namespaces")
    .option("--list", "If true, display the values for a given resource")
    .option("-o, --output <format>", "Output format: name")
    .addOption(new Option("--dry-run [strategy]", 'Must be "none", "server", or "client"').preset("client"))
    .allowExcessArguments(true)
    .action(async (_a: string, _b: string[], flags: MetaFlags, cmd: Command) => {
      const { runMeta } = await import("../actions/label.js");
      await runMeta(await ctxFor(cmd), cmd.args, flags, field, verb, done);
    });
}

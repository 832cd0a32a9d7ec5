import { type Command, Option } from "commander";
import type { DeleteFlags } from "../actions/delete.js";
import { ctxFor } from "../ctx-for.js";
import { CliError } from "../errors.js";

export function registerDelete(program: Command): void {
  program
    .command("delete")
    .summary("Delete resources by file names, stdin, resources and names, or by resources and label selector")
    .description(
      "Delete resources by file names, stdin, resources and names, or by resources and label selector. By default mkctl waits until the objects are gone (--wait=false returns at once).",
    )
    .argument("[TYPE [NAME ...] | TYPE/NAME ...]")
    .option(
      "-f, --filename <file...>",
      "Filename, directory, or URL to files containing the resource to delete",
    )
    .option("-R, --recursive", "Process the directory used in -f, --filename recursively")
    .option("-l, --selector <selector>", "Selector (label query) to filter on")
    .option("--field-selector <selector>", "Selector (field query) to filter on")
    .option("--all", "Delete all resources, in the namespace of the specified resource types")
    .option("-A, --all-namespaces", "If present, list the requested object(s) across all namespaces")
    .option(
      "--grace-period <seconds>",
      "Period of time in seconds given to the resource to terminate gracefully (-1: the resource's default)",
    )
    .option("--force", "If true, immediately remove resources from API and bypass graceful deletion")
    .option("--now", "If true, resources are signaled for immediate shutdown (same as --grace-period=1)")
    .addOption(
      new Option("--cascade [strategy]", 'Must be "background", "orphan", or "foreground"').preset(
        "background",
      ),
    )
    .addOption(
      new Option("--wait [bool]", "If true, wait for resources to be gone before returning")
        .default(true)
        .argParser(parseBool),
    )
    .option(
      "--timeout <duration>",
      "The length of time to wait before giving up on a delete, zero means wait forever",
    )
    .option("--ignore-not-found", 'Treat "resource not found" as a successful delete')
    .addOption(new Option("--dry-run [strategy]", 'Must be "none", "server", or "client"').preset("client"))
    .option("-o, --output <format>", 'Output mode. Use "-o name" for shorter output (resource/name)')
    .allowExcessArguments(true)
    .action(async (_arg: string | undefined, flags: DeleteFlags, cmd: Command) => {
      const { runDelete } = await import("../actions/delete.js");
      await runDelete(await ctxFor(cmd), cmd.args, flags);
    });
}

/** Go's strconv.ParseBool, as kubectl reads `--wait=false`. */
function parseBool(value: string | boolean): boolean {
  if (typeof value === "boolean") return value;
  if (["true", "1", "t", "T", "TRUE", "True"].includes(value)) return true;
  if (["false", "0", "f", "F", "FALSE", "False"].includes(value)) return false;
  throw new CliError(`invalid argument "${value}": strconv.ParseBool: parsing "${value}": invalid syntax`);
}

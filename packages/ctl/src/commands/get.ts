import { type Command, Option } from "commander";
import type { GetFlags } from "../actions/get.js";
import { ctxFor } from "../ctx-for.js";

export function registerGet(program: Command): void {
  program
    .command("get")
    .summary("Display one or many resources")
    .description(
      "Display one or many resources: a table from the server by default, or -o yaml|json|name|wide|jsonpath=...|custom-columns=...",
    )
    .argument("[TYPE[.VERSION][.GROUP] [NAME ...] | TYPE/NAME ...]")
    .addOption(
      new Option(
        "-o, --output <format>",
        "Output format: json, yaml, name, wide, jsonpath=..., custom-columns=...",
      ),
    )
    .option(
      "-l, --selector <selector>",
      "Selector (label query) to filter on, e.g. -l key1=value1,key2=value2",
    )
    .option(
      "--field-selector <selector>",
      "Selector (field query) to filter on, e.g. --field-selector metadata.name=web",
    )
    .option("-A, --all-namespaces", "List the requested object(s) across all namespaces")
    .option("-w, --watch", "After listing/getting the requested object, watch for changes")
    .option("--watch-only", "Watch for changes to the requested object(s), without listing/getting first")
    .option("--show-labels", "When printing, show all labels as the last column")
    .option("--show-kind", "If present, list the resource type for the requested object(s)")
    .option("-L, --label-columns <keys...>", "Labels to present as columns")
    .option("--sort-by <jsonpath>", "Sort list types using this field specification (a JSONPath expression)")
    .option("--no-headers", "When using the default or custom-column output format, don't print headers")
    .option(
      "-f, --filename <file...>",
      "Filename, directory, or URL to files identifying the resource to get",
    )
    .option("-R, --recursive", "Process the directory used in -f, --filename recursively")
    .option(
      "--ignore-not-found",
      "If the requested object does not exist the command will return exit code 0",
    )
    .allowExcessArguments(true)
    .action(async (_arg: string | undefined, flags: GetFlags, cmd: Command) => {
      const { runGet } = await import("../actions/get.js");
      await runGet(await ctxFor(cmd), cmd.args, flags);
    });
}

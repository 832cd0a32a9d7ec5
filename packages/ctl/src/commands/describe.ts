import type { Command } from "commander";
import type { DescribeFlags } from "../actions/describe.js";
import { ctxFor } from "../ctx-for.js";

export function registerDescribe(program: Command): void {
  program
    .command("describe")
    .summary("Show details of a specific resource or group of resources")
    .description(
      "Show details of a specific resource or group of resources, with its related events. A NAME_PREFIX describes every object whose name starts with it.",
    )
    .argument("[TYPE [NAME_PREFIX] | TYPE/NAME]")
    .option("-l, --selector <selector>", "Selector (label query) to filter on")
    .option("-A, --all-namespaces", "If present, list the requested object(s) across all namespaces")
    .option(
      "-f, --filename <file...>",
      "Filename, directory, or URL to files containing the resource to describe",
    )
    .option("-R, --recursive", "Process the directory used in -f, --filename recursively")
    .option(
      "--show-events [bool]",
      "If true, display events related to the described object",
      (v) => v !== "false",
      true,
    )
    .allowExcessArguments(true)
    .action(async (_a: string | undefined, flags: DescribeFlags, cmd: Command) => {
      const { runDescribe } = await import("../actions/describe.js");
      await runDescribe(await ctxFor(cmd), cmd.args, flags);
    });
}

import { type Command, Option } from "commander";
import type { ReplaceFlags } from "../actions/replace.js";
import { ctxFor } from "../ctx-for.js";

export function registerReplace(program: Command): void {
  program
    .command("replace")
    .summary("Replace a resource by file name or stdin")
    .description(
      "Replace a resource by file name or stdin: a PUT of the whole object. The resource must exist.",
    )
    .requiredOption("-f, --filename <file...>", "The files that contain the configurations to replace")
    .option("-R, --recursive", "Process the directory used in -f, --filename recursively")
    .addOption(new Option("--dry-run [strategy]", 'Must be "none", "server", or "client"').preset("client"))
    .option("-o, --output <format>", "Output format: json, yaml, name")
    .option("--save-config", "Store this configuration in the last-applied-configuration annotation")
    .option("--force", "Delete and re-create the resource")
    .action(async (flags: ReplaceFlags, cmd: Command) => {
      const { runReplace } = await import("../actions/replace.js");
      await runReplace(await ctxFor(cmd), flags);
    });
}

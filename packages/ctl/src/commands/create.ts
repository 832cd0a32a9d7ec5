import { type Command, Option } from "commander";
import { ctxFor } from "../ctx-for.js";
import type { SendFlags } from "../send-manifests.js";

export function registerCreate(program: Command): void {
  program
    .command("create")
    .summary("Create a resource from a file or from stdin")
    .description("Create a resource from a file or from stdin. JSON and YAML formats are accepted.")
    .requiredOption(
      "-f, --filename <file...>",
      "Filename, directory, or URL to files to use to create the resource",
    )
    .option("-R, --recursive", "Process the directory used in -f, --filename recursively")
    .addOption(new Option("--dry-run [strategy]", 'Must be "none", "server", or "client"').preset("client"))
    .option("-o, --output <format>", "Output format: json, yaml, name")
    .option(
      "--save-config",
      "Store this configuration in the last-applied-configuration annotation, so later applies work",
    )
    .action(async (flags: SendFlags, cmd: Command) => {
      const { runCreate } = await import("../actions/create.js");
      await runCreate(await ctxFor(cmd), flags);
    });
}

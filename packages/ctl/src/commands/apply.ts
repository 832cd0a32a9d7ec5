import { type Command, Option } from "commander";
import type { ApplyFlags } from "../actions/apply.js";
import { ctxFor } from "../ctx-for.js";

export function registerApply(program: Command): void {
  program
    .command("apply")
    .summary("Apply a configuration to a resource by file name or stdin")
    .description(
      "Apply a configuration to a resource by file name or stdin. The resource is created if it does not exist; otherwise the changes since the last apply are patched in (client-side apply, as kubectl).",
    )
    .requiredOption(
      "-f, --filename <file...>",
      "The files, directories or URLs that contain the configuration to apply (- for stdin)",
    )
    .option("-R, --recursive", "Process the directory used in -f, --filename recursively")
    .option("--server-side", "If true, apply runs in the server instead of the client")
    .option("--force-conflicts", "If true, server-side apply will force the changes against conflicts")
    .option("--field-manager <name>", "Name of the manager used to track field ownership")
    .addOption(new Option("--dry-run [strategy]", 'Must be "none", "server", or "client"').preset("client"))
    .option("-o, --output <format>", "Output format: json, yaml, name")
    .action(async (flags: ApplyFlags, cmd: Command) => {
      const { runApply } = await import("../actions/apply.js");
      await runApply(await ctxFor(cmd), flags);
    });
}

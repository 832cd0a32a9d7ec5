import type { Command } from "commander";
import type { VersionFlags } from "../actions/version.js";
import { ctxFor } from "../ctx-for.js";

export function registerVersion(program: Command): void {
  program
    .command("version")
    .summary("Print the client and server version information")
    .description("Print the client and server version information for the current context.")
    .option("--client", "If true, shows client version only (no server required)")
    .option("-o, --output <format>", "One of 'yaml' or 'json'")
    .action(async (flags: VersionFlags, cmd: Command) => {
      const { runVersion } = await import("../actions/version.js");
      await runVersion(await ctxFor(cmd), flags);
    });
}

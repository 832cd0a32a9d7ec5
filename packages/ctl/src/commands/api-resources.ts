import type { Command } from "commander";
import type { ApiResourcesFlags } from "../actions/api-resources.js";
import { ctxFor } from "../ctx-for.js";

export function registerApiResources(program: Command): void {
  program
    .command("api-resources")
    .summary("Print the supported API resources on the server")
    .description("Print the supported API resources on the server, from its discovery documents.")
    .option("-o, --output <format>", "Output format. One of: (wide, name)")
    .option(
      "--namespaced <bool>",
      "If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default",
    )
    .option("--api-group <group>", "Limit to resources in the specified API group")
    .option("--no-headers", "When using the default or custom-column output format, don't print headers")
    .option(
      "--sort-by <field>",
      "If non-empty, sort list of resources using specified field. One of (name, kind)",
    )
    .action(async (flags: ApiResourcesFlags, cmd: Command) => {
      const { runApiResources } = await import("../actions/api-resources.js");
      await runApiResources(await ctxFor(cmd), flags);
    });
}

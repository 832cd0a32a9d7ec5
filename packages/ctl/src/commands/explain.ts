import type { Command } from "commander";
import { ctxFor } from "../ctx-for.js";

export function registerExplain(program: Command): void {
  program
    .command("explain")
    .summary("Get documentation for a resource")
    .description(
      "Describe fields and structure of a resource: `mkctl explain deployment.spec.strategy`. Types come from the schemas the apiserver validates with.",
    )
    .argument("<TYPE[.FIELD...]>")
    .option("--recursive", "Print the fields of fields (currently only 1 level deep)")
    .option(
      "--api-version <version>",
      "Get different explanations for particular API version (API group/version)",
    )
    .action(async (text: string, flags: { recursive?: boolean }, cmd: Command) => {
      // The schemas are costly to build: only explain loads them.
      const { runExplain } = await import("../actions/explain.js");
      runExplain(await ctxFor(cmd), text, flags);
    });
}

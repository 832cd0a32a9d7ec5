import type { Command } from "commander";
import type { Ctx } from "./context.js";

/**
 * The Ctx of a running command. The context pulls in the REST client and kubeconfig reading, so
 * command definitions load it only once an action runs; `--help` never does.
 */
export async function ctxFor(cmd: Command): Promise<Ctx> {
  const { ctxOf } = await import("./context.js");
  return ctxOf(cmd);
}

import { kindForApiVersion } from "@minik8s/api/registry";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import { createGenerated } from "../workloads/create-object.js";

export interface CreateNamespaceFlags {
  dryRun?: string | boolean;
  output?: string;
}

/** `kubectl create namespace NAME`: a Namespace with nothing but its name. */
export async function runCreateNamespace(
  ctx: Ctx,
  name: string | undefined,
  flags: CreateNamespaceFlags,
): Promise<void> {
  if (!name) throw new CliError("exactly one NAME is required, got 0");
  await createGenerated(
    ctx,
    kindForApiVersion("v1", "Namespace")!,
    { apiVersion: "v1", kind: "Namespace", metadata: { name }, spec: {}, status: {} },
    flags,
    "kubectl-create",
  );
}

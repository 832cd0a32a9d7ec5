import type { KindInfo } from "@minik8s/api/registry";
import { resourcePath } from "@minik8s/client";
import type { Ctx } from "../context.js";
import type { KubeObject } from "../manifests.js";
import { displayName, dryRunSuffix, parseDryRun, writeQuery } from "../objects.js";
import { parseOutput, printObjects } from "../printers/output.js";

/** POSTs an object a generator built (create deployment, run) and prints it as kubectl does. */
export async function createGenerated(
  ctx: Ctx,
  info: KindInfo,
  object: KubeObject,
  flags: { dryRun?: string | boolean; output?: string },
  fieldManager: string,
): Promise<void> {
  const dryRun = parseDryRun(flags.dryRun);
  const format = flags.output ? parseOutput(flags.output, "object") : undefined;
  const result =
    dryRun === "client"
      ? object
      : await ctx.cluster.request<KubeObject>({
          method: "POST",
          path: resourcePath(info, { namespace: ctx.namespace }),
          query: writeQuery(fieldManager, dryRun),
          body: object,
        });
  if (format && format.kind !== "table") ctx.out(printObjects(format, [result], true));
  else ctx.out(`${displayName(info, result.metadata?.name ?? "")} created${dryRunSuffix(dryRun)}\n`);
}

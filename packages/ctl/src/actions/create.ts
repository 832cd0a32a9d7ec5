import { resourcePath } from "@minik8s/client";
import type { Ctx } from "../context.js";
import type { KubeObject } from "../manifests.js";
import { writeQuery } from "../objects.js";
import { type SendFlags, sendManifests } from "../send-manifests.js";

/** A POST of each object in the files, as kubectl create -f does. */
export async function runCreate(ctx: Ctx, flags: SendFlags): Promise<void> {
  await sendManifests(ctx, flags, { done: "created", doing: "creating" }, async (t, body, dryRun) => {
    if (dryRun === "client") return body;
    return ctx.cluster.request<KubeObject>({
      method: "POST",
      path: resourcePath(t.info, { namespace: t.namespace }),
      query: writeQuery("kubectl-create", dryRun),
      body,
    });
  });
}

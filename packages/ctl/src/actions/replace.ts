import { resourcePath } from "@minik8s/client";
import type { Ctx } from "../context.js";
import type { KubeObject } from "../manifests.js";
import { type DryRun, displayName, dryRunSuffix, type Target, writeQuery } from "../objects.js";
import { type SendFlags, sendManifests } from "../send-manifests.js";
import { LAST_APPLIED } from "./apply.js";

export interface ReplaceFlags extends SendFlags {
  force?: boolean;
}

/** A PUT of the whole object over the live one, compare-and-swap on its resourceVersion. */
async function replace(
  ctx: Ctx,
  t: Target,
  object: KubeObject,
  dryRun: DryRun,
  flags: ReplaceFlags,
): Promise<KubeObject> {
  const path = resourcePath(t.info, { namespace: t.namespace, name: t.name });
  let body = object;
  // kubectl keeps the live last-applied annotation on replace unless --save-config replaces it.
  const live = await ctx.cluster.request<KubeObject>({ path });
  const keep = live.metadata?.annotations?.[LAST_APPLIED];
  if (keep && !flags.saveConfig) {
    body = {
      ...body,
      metadata: {
        ...body.metadata,
        annotations: { ...body.metadata?.annotations, [LAST_APPLIED]: keep },
      },
    };
  }
  if (!body.metadata?.resourceVersion)
    body.metadata = { ...body.metadata, resourceVersion: live.metadata?.resourceVersion };
  if (dryRun === "client") return body;
  return ctx.cluster.request<KubeObject>({
    method: "PUT",
    path,
    query: writeQuery("kubectl-replace", dryRun),
    body,
  });
}

/** `--force`: delete, then create anew; says both steps itself, as kubectl does, whatever `-o` asks. */
async function forceReplace(ctx: Ctx, t: Target, body: KubeObject, dryRun: DryRun): Promise<undefined> {
  if (dryRun === "none") {
    await ctx.cluster.request({
      method: "DELETE",
      path: resourcePath(t.info, { namespace: t.namespace, name: t.name }),
      body: { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background" },
    });
    ctx.out(`${displayName(t.info, t.name)} deleted\n`);
    await ctx.cluster.request<KubeObject>({
      method: "POST",
      path: resourcePath(t.info, { namespace: t.namespace }),
      query: writeQuery("kubectl-replace", dryRun),
      body,
    });
  }
  ctx.out(`${displayName(t.info, t.name)} replaced${dryRunSuffix(dryRun)}\n`);
  return undefined;
}

export async function runReplace(ctx: Ctx, flags: ReplaceFlags): Promise<void> {
  await sendManifests(ctx, flags, { done: "replaced", doing: "replacing" }, (t, body, dryRun) =>
    flags.force ? forceReplace(ctx, t, body, dryRun) : replace(ctx, t, body, dryRun, flags),
  );
}

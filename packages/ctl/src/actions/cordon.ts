import { kindForApiVersion } from "@minik8s/api/registry";
import type { Node } from "@minik8s/api/schemas/core";
import { resourcePath } from "@minik8s/client";
import type { Ctx } from "../context.js";

const NODES = kindForApiVersion("v1", "Node")!;

/**
 * Sets or clears `spec.unschedulable` as kubectl does (a strategic merge patch, `null` to
 * clear), and says so; a node already in that state is left alone.
 */
export async function setUnschedulable(ctx: Ctx, name: string, unschedulable: boolean): Promise<void> {
  const path = resourcePath(NODES, { name });
  const node = await ctx.cluster.request<Node>({ path });
  const verb = unschedulable ? "cordoned" : "uncordoned";
  if (Boolean(node.spec?.unschedulable) === unschedulable) {
    ctx.out(`node/${name} already ${verb}\n`);
    return;
  }
  await ctx.cluster.request({
    method: "PATCH",
    path,
    body: { spec: { unschedulable: unschedulable ? true : null } },
    contentType: "application/strategic-merge-patch+json",
  });
  ctx.out(`node/${name} ${verb}\n`);
}

export async function runCordon(ctx: Ctx, nodes: string[], unschedulable: boolean): Promise<void> {
  for (const name of nodes) await setUnschedulable(ctx, name, unschedulable);
}

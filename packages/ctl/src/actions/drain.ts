import { kindForApiVersion } from "@minik8s/api/registry";
import type { Pod } from "@minik8s/api/schemas/core";
import { isNotFound, isTooManyRequests } from "@minik8s/api/status-error";
import { resourcePath } from "@minik8s/client";
import { type Ctx, parseDuration } from "../context.js";
import { planDrain, planErrors, planWarning } from "../drain/pod-filters.js";
import { CliError } from "../errors.js";
import { setUnschedulable } from "./cordon.js";

const PODS = kindForApiVersion("v1", "Pod")!;
/** kubectl retries a refused eviction after 5 s, and polls for the pod to go every second. */
const EVICTION_RETRY_MS = 5000;
const DELETE_POLL_MS = 1000;

export interface DrainFlags {
  force?: boolean;
  ignoreDaemonsets?: boolean;
  deleteEmptydirData?: boolean;
  gracePeriod?: string;
  timeout?: string;
  podSelector?: string;
}

/**
 * `kubectl drain`: cordon each node, then evict its pods (all at once, each retried while a
 * disruption budget refuses it) and wait until they are gone. A node whose pods may not be
 * evicted, or whose evictions time out, is reported at the end and mkctl exits 1.
 */
export async function runDrain(ctx: Ctx, nodes: string[], flags: DrainFlags): Promise<void> {
  const grace = Number(flags.gracePeriod ?? "-1");
  if (!Number.isInteger(grace))
    throw new CliError(`invalid argument "${flags.gracePeriod}" for "--grace-period" flag`);
  const timeoutMs = flags.timeout ? parseDuration(flags.timeout) : 0;
  if (timeoutMs === undefined) throw new CliError(`invalid argument "${flags.timeout}" for "--timeout" flag`);
  const failed: { node: string; errors: string[] }[] = [];
  for (const node of nodes) {
    await setUnschedulable(ctx, node, true);
    const errors = await drainNode(
      ctx,
      node,
      flags,
      grace,
      timeoutMs > 0 ? Date.now() + timeoutMs : Infinity,
    );
    if (errors.length === 0) {
      ctx.out(`node/${node} drained\n`);
      continue;
    }
    const joined = errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`;
    ctx.err(`error: unable to drain node "${node}" due to error:${joined}, continuing command...\n`);
    failed.push({ node, errors });
  }
  if (failed.length === 0) return;
  const lines = ["There are pending nodes to be drained:", ...failed.map((f) => ` ${f.node}`)];
  for (const f of failed) lines.push(...f.errors);
  throw new CliError(lines.join("\n"), 1, true);
}

/** Evicts what may go from one node; returns kubectl's error lines (none when drained). */
async function drainNode(
  ctx: Ctx,
  node: string,
  flags: DrainFlags,
  grace: number,
  deadline: number,
): Promise<string[]> {
  const query = new URLSearchParams({ fieldSelector: `spec.nodeName=${node}` });
  if (flags.podSelector) query.set("labelSelector", flags.podSelector);
  const list = await ctx.cluster.request<{ items: Pod[] }>({ path: `${resourcePath(PODS)}?${query}` });
  const plan = planDrain(list.items, {
    force: Boolean(flags.force),
    ignoreDaemonSets: Boolean(flags.ignoreDaemonsets),
    deleteEmptyDirData: Boolean(flags.deleteEmptydirData),
  });
  const fatal = planErrors(plan);
  if (fatal.length > 0) return fatal;
  const warning = planWarning(plan);
  if (warning) ctx.err(`Warning: ${warning}\n`);
  const results = await Promise.all(plan.evict.map((pod) => evictAndWait(ctx, pod, grace, deadline)));
  return results.filter((r): r is string => r !== undefined);
}

/** One pod: evict (retrying 429s every 5 s) until the deadline, then wait for it to be gone. */
async function evictAndWait(
  ctx: Ctx,
  pod: Pod,
  grace: number,
  deadline: number,
): Promise<string | undefined> {
  const namespace = pod.metadata.namespace ?? "default";
  const name = pod.metadata.name ?? "";
  const path = resourcePath(PODS, { namespace, name });
  const body = {
    apiVersion: "policy/v1",
    kind: "Eviction",
    metadata: { name, namespace },
    ...(grace >= 0 ? { deleteOptions: { gracePeriodSeconds: grace } } : {}),
  };
  for (;;) {
    if (Date.now() > deadline)
      return `error when evicting pods/"${name}" -n "${namespace}": global timeout reached`;
    ctx.out(`evicting pod ${namespace}/${name}\n`);
    try {
      await ctx.cluster.request({ method: "POST", path: `${path}/eviction`, body });
      break;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      if (!isTooManyRequests(err))
        return `error when evicting pods/"${name}" -n "${namespace}": ${(err as Error).message}`;
      ctx.err(
        `error when evicting pods/"${name}" -n "${namespace}" (will retry after 5s): ${(err as Error).message}\n`,
      );
      await sleep(Math.min(EVICTION_RETRY_MS, Math.max(0, deadline - Date.now())));
    }
  }
  // Gone, or replaced by a pod of the same name (a new uid), counts as evicted.
  for (;;) {
    try {
      const current = await ctx.cluster.request<Pod>({ path });
      if (current.metadata.uid !== pod.metadata.uid) break;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      break;
    }
    if (Date.now() > deadline) {
      return `error when waiting for pod "${name}" in namespace "${namespace}" to terminate: global timeout reached`;
    }
    await sleep(DELETE_POLL_MS);
  }
  ctx.out(`pod/${name} evicted\n`);
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

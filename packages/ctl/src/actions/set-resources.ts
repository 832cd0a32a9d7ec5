import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import { containerPatch, selectsContainer } from "../workloads/container-patch.js";
import { podSpecTargets, sendSetPatch } from "../workloads/set-targets.js";

// biome-ignore lint/suspicious/noExplicitAny: a pod spec as the server sends it
type Json = any;

export interface SetResourcesFlags {
  limits?: string;
  requests?: string;
  containers?: string;
}

/** `cpu=200m,memory=512Mi` as a ResourceList. */
export function parseResourceList(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const part of text.split(",").filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq <= 0 || eq === part.length - 1) throw new CliError(`invalid argument syntax ${part}`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** `set resources`'s patch: the limits and requests that differ, per selected container. */
export function resourcesPatch(
  path: string[],
  spec: Json,
  limits: Record<string, string>,
  requests: Record<string, string>,
  containers = "*",
): Json | undefined {
  const changedOf = (now: Record<string, string> | undefined, want: Record<string, string>) => {
    const diff = Object.fromEntries(Object.entries(want).filter(([k, v]) => now?.[k] !== v));
    return Object.keys(diff).length ? diff : undefined;
  };
  return containerPatch(path, spec, (c: Json, list) => {
    if (list !== "containers" || !selectsContainer(containers, c.name)) return undefined;
    const l = changedOf(c.resources?.limits, limits);
    const r = changedOf(c.resources?.requests, requests);
    if (!l && !r) return undefined;
    return { resources: { ...(l ? { limits: l } : {}), ...(r ? { requests: r } : {}) } };
  });
}

export async function runSetResources(ctx: Ctx, args: string[], flags: SetResourcesFlags): Promise<void> {
  const limits = parseResourceList(flags.limits);
  const requests = parseResourceList(flags.requests);
  if (Object.keys(limits).length === 0 && Object.keys(requests).length === 0)
    throw new CliError(
      "you must specify an update to requests or limits (in the form of --requests/--limits)",
    );
  for (const t of await podSpecTargets(ctx, args)) {
    const patch = resourcesPatch(t.path, t.spec, limits, requests, flags.containers ?? "*");
    if (patch) await sendSetPatch(ctx, t, patch, "resource requirements updated");
  }
}

import type { KindInfo } from "@minik8s/api/registry";
import { resourcePath } from "@minik8s/client";
import { getObject } from "../api.js";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import type { KubeObject } from "../manifests.js";
import { kindPrefix, parseResourceArgs } from "../resources.js";
import { podSpecAt, podSpecPath } from "./pod-spec.js";

// biome-ignore lint/suspicious/noExplicitAny: objects from the server are untyped JSON here
type Json = any;

export interface PodSpecTarget {
  info: KindInfo;
  name: string;
  object: KubeObject;
  path: string[];
  spec: Json;
}

/** Fetches the named objects of a `set` command with where their pod spec is. */
export async function podSpecTargets(ctx: Ctx, resources: string[]): Promise<PodSpecTarget[]> {
  if (resources.length === 0)
    throw new CliError("one or more resources must be specified as <resource> <name> or <resource>/<name>");
  const out: PodSpecTarget[] = [];
  for (const req of parseResourceArgs(resources)) {
    if (req.names.length === 0) throw new CliError("resource(s) were provided, but no name was specified");
    for (const name of req.names) {
      const object = await getObject(ctx.cluster, req.type, ctx.namespace, name);
      const path = podSpecPath(req.type);
      if (!path)
        throw new CliError(
          `${kindPrefix(req.type)}/${name} the object is not a pod or does not have a pod template`,
        );
      out.push({ info: req.type, name, object, path, spec: podSpecAt(object, path) });
    }
  }
  return out;
}

/** Sends a `set` command's patch and prints kubectl's `deployment.apps/web image updated`. */
export async function sendSetPatch(ctx: Ctx, t: PodSpecTarget, patch: Json, done: string): Promise<void> {
  await ctx.cluster.request({
    method: "PATCH",
    path: resourcePath(t.info, { namespace: ctx.namespace, name: t.name }),
    query: { fieldManager: "kubectl-set" },
    contentType: "application/strategic-merge-patch+json",
    body: patch,
  });
  ctx.out(`${kindPrefix(t.info)}/${t.name} ${done}\n`);
}

/** Splits `set` arguments: resources first, then the changes (`KEY=VALUE`, `KEY-`). */
export function splitChanges(
  args: string[],
  isChange: (a: string) => boolean,
): { resources: string[]; changes: string[] } {
  const first = args.findIndex((a, i) => i > 0 && isChange(a));
  return first < 0
    ? { resources: args, changes: [] }
    : { resources: args.slice(0, first), changes: args.slice(first) };
}

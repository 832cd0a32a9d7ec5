import { type KindInfo, resolveResource } from "@minik8s/api/registry";
import { isNotFound } from "@minik8s/api/status-error";
import { getObject, listObjects, withKind } from "../api.js";
import type { Cluster } from "../cluster.js";
import type { Ctx } from "../context.js";
import { type DescribeContext, describeGeneric, describers } from "../describe/describers.js";
import type { Json } from "../describe/helpers.js";
import { CliError, formatError } from "../errors.js";
import { type KubeObject, readManifests } from "../manifests.js";
import { targetOf } from "../objects.js";
import { parseResourceArgs } from "../resources.js";

export interface DescribeFlags {
  selector?: string;
  allNamespaces?: boolean;
  filename?: string[];
  recursive?: boolean;
  showEvents: boolean;
}

export async function runDescribe(ctx: Ctx, args: string[], flags: DescribeFlags): Promise<void> {
  const targets: { info: KindInfo; obj: KubeObject }[] = [];
  let failed = false;
  const ns = flags.allNamespaces ? undefined : ctx.namespace;
  if (flags.filename?.length) {
    const manifests = await readManifests(flags.filename, {
      recursive: flags.recursive,
      readStdin: () => ctx.io.readStdin(),
    });
    for (const m of manifests) {
      const t = targetOf(ctx, m);
      targets.push({
        info: t.info,
        obj: withKind(await getObject(ctx.cluster, t.info, t.namespace, t.name), t.info),
      });
    }
  } else {
    if (args.length === 0)
      throw new CliError(
        'You must specify the type of resource to describe. Use "mkctl api-resources" for a complete list of supported resources.',
      );
    for (const req of parseResourceArgs(args)) {
      if (req.names.length === 0) {
        const list = await listObjects(ctx.cluster, req.type, ns, { labelSelector: flags.selector });
        for (const o of list.items) targets.push({ info: req.type, obj: o });
        continue;
      }
      for (const name of req.names) {
        try {
          targets.push({
            info: req.type,
            obj: withKind(await getObject(ctx.cluster, req.type, ns ?? ctx.namespace, name), req.type),
          });
        } catch (err) {
          if (!isNotFound(err)) throw err;
          // kubectl falls back to every object whose name starts with what was typed.
          const list = await listObjects(ctx.cluster, req.type, ns ?? ctx.namespace, {
            labelSelector: flags.selector,
          });
          const matches = list.items.filter((o) => o.metadata?.name?.startsWith(name));
          if (matches.length === 0) {
            failed = true;
            ctx.err(`${formatError(err)}\n`);
          }
          for (const o of matches) targets.push({ info: req.type, obj: o });
        }
      }
    }
  }
  if (targets.length === 0 && !failed) {
    ctx.err(ns ? `No resources found in ${ns} namespace.\n` : "No resources found\n");
    return;
  }
  const texts: string[] = [];
  for (const t of targets) {
    const describer = describers[t.info.kind] ?? describeGeneric;
    const events = flags.showEvents ? await eventsFor(ctx.cluster, t.obj) : undefined;
    const dctx: DescribeContext = {
      cluster: ctx.cluster,
      now: ctx.io.now(),
      events,
      list: async (what, namespace, sel) => {
        const info = typeof what === "string" ? resolveResource(what) : what;
        if (!info) return [];
        return (await listObjects(ctx.cluster, info, namespace, sel ?? {})).items as Json[];
      },
    };
    texts.push(await describer(t.obj as Json, dctx));
  }
  ctx.out(texts.join("\n\n"));
  if (failed) throw new CliError("", 1, true);
}

/** Events about an object: by involvedObject uid where the server can select on it, else filtered here. */
export async function eventsFor(cluster: Cluster, obj: KubeObject): Promise<Json[]> {
  const info = resolveResource("events")!;
  const ns = obj.metadata?.namespace || "default";
  const uid = obj.metadata?.uid;
  const name = obj.metadata?.name;
  const matches = (e: Json) =>
    e.involvedObject?.name === name &&
    (!uid || !e.involvedObject?.uid || e.involvedObject.uid === uid) &&
    e.involvedObject?.kind === obj.kind;
  try {
    const selector = [
      `involvedObject.name=${name}`,
      `involvedObject.namespace=${ns}`,
      ...(uid ? [`involvedObject.uid=${uid}`] : []),
    ].join(",");
    const list = await listObjects(cluster, info, ns, { fieldSelector: selector });
    return (list.items as Json[]).filter(matches);
  } catch {
    try {
      return ((await listObjects(cluster, info, ns)).items as Json[]).filter(matches);
    } catch {
      return [];
    }
  }
}

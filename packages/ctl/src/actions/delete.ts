import type { KindInfo } from "@minik8s/api/registry";
import { isNotFound } from "@minik8s/api/status-error";
import { resourcePath } from "@minik8s/client";
import { listObjects, watchObjects } from "../api.js";
import { type Ctx, parseDuration } from "../context.js";
import { CliError, formatError } from "../errors.js";
import { type KubeObject, readManifests } from "../manifests.js";
import { dryRunSuffix, parseDryRun, targetOf } from "../objects.js";
import { kindPrefix, parseResourceArgs } from "../resources.js";

export interface DeleteFlags {
  filename?: string[];
  recursive?: boolean;
  selector?: string;
  fieldSelector?: string;
  all?: boolean;
  allNamespaces?: boolean;
  gracePeriod?: string;
  force?: boolean;
  now?: boolean;
  cascade?: string | boolean;
  wait: boolean;
  timeout?: string;
  ignoreNotFound?: boolean;
  dryRun?: string | boolean;
  output?: string;
}

function propagation(cascade: string | boolean | undefined): "Background" | "Foreground" | "Orphan" {
  if (cascade === undefined || cascade === true || cascade === "true" || cascade === "background")
    return "Background";
  if (cascade === "foreground") return "Foreground";
  if (cascade === "orphan" || cascade === false || cascade === "false") return "Orphan";
  throw new CliError(`invalid cascade value (${cascade}). Must be "background", "foreground", or "orphan"`);
}

interface Victim {
  info: KindInfo;
  namespace: string | undefined;
  name: string;
}

async function victims(ctx: Ctx, args: string[], flags: DeleteFlags): Promise<Victim[]> {
  if (flags.filename?.length) {
    if (args.length > 0) throw new CliError("resource(s) were provided, but no name was specified");
    const manifests = await readManifests(flags.filename, {
      recursive: flags.recursive,
      readStdin: () => ctx.io.readStdin(),
    });
    return manifests.map((m) => {
      const t = targetOf(ctx, m);
      return { info: t.info, namespace: t.namespace, name: t.name };
    });
  }
  if (args.length === 0) {
    throw new CliError(
      "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
    );
  }
  const requests = parseResourceArgs(args);
  const selecting = Boolean(flags.selector || flags.fieldSelector || flags.all);
  const ns = flags.allNamespaces ? undefined : ctx.namespace;
  const out: Victim[] = [];
  for (const req of requests) {
    if (req.names.length > 0) {
      if (selecting && flags.all) throw new CliError("name cannot be provided when a selector is specified");
      for (const name of req.names)
        out.push({
          info: req.type,
          namespace: req.type.namespaced ? (ns ?? ctx.namespace) : undefined,
          name,
        });
    } else if (selecting) {
      const list = await listObjects(ctx.cluster, req.type, ns, {
        labelSelector: flags.selector,
        fieldSelector: flags.fieldSelector,
      });
      for (const o of list.items)
        out.push({ info: req.type, namespace: o.metadata?.namespace, name: o.metadata?.name ?? "" });
    } else {
      throw new CliError("resource(s) were provided, but no name was specified");
    }
  }
  return out;
}

export async function runDelete(ctx: Ctx, args: string[], flags: DeleteFlags): Promise<void> {
  const dryRun = parseDryRun(flags.dryRun);
  let grace = flags.gracePeriod === undefined ? -1 : Number(flags.gracePeriod);
  if (Number.isNaN(grace))
    throw new CliError(`invalid argument "${flags.gracePeriod}" for "--grace-period" flag`);
  if (flags.now) {
    if (grace >= 0) throw new CliError("--now and --grace-period cannot be specified together");
    grace = 1;
  }
  if (flags.force && grace < 0) grace = 0;
  if (flags.force && grace === 0) {
    ctx.err(
      "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n",
    );
  } else if (grace === 0) {
    // kubectl turns a bare --grace-period=0 into 1 unless --force says otherwise.
    grace = 1;
  }
  const policy = propagation(flags.cascade);
  const list = await victims(ctx, args, flags);
  if (list.length === 0) {
    ctx.err("No resources found\n");
    return;
  }
  let failed = false;
  const deleted: (Victim & { uid?: string | undefined })[] = [];
  for (const v of list) {
    const body: Record<string, unknown> = {
      apiVersion: "v1",
      kind: "DeleteOptions",
      propagationPolicy: policy,
    };
    if (grace >= 0) body.gracePeriodSeconds = grace;
    try {
      let uid: string | undefined;
      if (dryRun !== "client") {
        const reply = await ctx.cluster.request<
          KubeObject & { status?: unknown; details?: { uid?: string } }
        >({
          method: "DELETE",
          path: resourcePath(v.info, { namespace: v.namespace, name: v.name }),
          query: { dryRun: dryRun === "server" ? "All" : undefined },
          body,
        });
        uid = reply?.metadata?.uid ?? reply?.details?.uid;
      } else {
        // A client dry run still reports a missing object as kubectl does.
        await ctx.cluster.request({ path: resourcePath(v.info, { namespace: v.namespace, name: v.name }) });
      }
      if (flags.output === "name") ctx.out(`${kindPrefix(v.info)}/${v.name}\n`);
      else {
        const verb = flags.force && grace === 0 ? "force deleted" : "deleted";
        ctx.out(`${kindPrefix(v.info)} "${v.name}" ${verb}${dryRunSuffix(dryRun)}\n`);
      }
      if (dryRun === "none") deleted.push({ ...v, uid });
    } catch (err) {
      if (flags.ignoreNotFound && isNotFound(err)) continue;
      failed = true;
      ctx.err(`${formatError(err)}\n`);
    }
  }
  if (flags.wait && deleted.length > 0) {
    const timeoutMs = flags.timeout && flags.timeout !== "0" ? parseDuration(flags.timeout) : undefined;
    if (flags.timeout && flags.timeout !== "0" && timeoutMs === undefined)
      throw new CliError(`invalid argument "${flags.timeout}" for "--timeout" flag`);
    for (const v of deleted) await waitUntilGone(ctx, v, timeoutMs);
  }
  if (failed) throw new CliError("", 1, true);
}

/** kubectl's wait after delete: GET, and while it exists, watch by name until DELETED (or uid changes). */
export async function waitUntilGone(
  ctx: Ctx,
  v: Victim & { uid?: string | undefined },
  timeoutMs?: number,
): Promise<void> {
  const controller = new AbortController();
  const timer = timeoutMs ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
  try {
    for (;;) {
      let live: KubeObject;
      try {
        live = await ctx.cluster.request<KubeObject>({
          path: resourcePath(v.info, { namespace: v.namespace, name: v.name }),
        });
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      // Re-created under the same name: the one we deleted is gone.
      if (v.uid && live.metadata?.uid && live.metadata.uid !== v.uid) return;
      const events = watchObjects<KubeObject>(ctx.cluster, v.info, v.namespace, {
        fieldSelector: `metadata.name=${v.name}`,
        resourceVersion: live.metadata?.resourceVersion,
        signal: controller.signal,
      });
      for await (const ev of events) {
        if (ev.type === "DELETED") return;
      }
      if (controller.signal.aborted) {
        throw new CliError(`timed out waiting for the condition on ${v.info.plural}/${v.name}`);
      }
    }
  } finally {
    if (timer) clearTimeout(timer);
  }
}

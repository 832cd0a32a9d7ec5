import { createThreeWayMergePatch, type JsonValue, patchMetaFor } from "@minik8s/api/patch/index";
import { isConflict, isNotFound } from "@minik8s/api/status-error";
import { resourcePath } from "@minik8s/client";
import { stringify } from "yaml";
import type { Cluster } from "../cluster.js";
import type { Ctx } from "../context.js";
import { CliError, formatError } from "../errors.js";
import { type KubeObject, readManifests } from "../manifests.js";
import {
  type DryRun,
  displayName,
  dryRunSuffix,
  parseDryRun,
  type Target,
  targetOf,
  writeQuery,
} from "../objects.js";
import { parseOutput, printObjects } from "../printers/output.js";
import { whenDoing } from "../send-manifests.js";
import { sortKeys } from "../sort-keys.js";

export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
const FIELD_MANAGER = "kubectl-client-side-apply";

export interface ApplyFlags {
  filename?: string[];
  recursive?: boolean;
  serverSide?: boolean;
  forceConflicts?: boolean;
  fieldManager?: string;
  dryRun?: string | boolean;
  output?: string;
}

export async function runApply(ctx: Ctx, flags: ApplyFlags): Promise<void> {
  const dryRun = parseDryRun(flags.dryRun);
  const format = flags.output ? parseOutput(flags.output, "object") : undefined;
  const manifests = await readManifests(flags.filename ?? [], {
    recursive: flags.recursive,
    readStdin: () => ctx.io.readStdin(),
  });
  if (manifests.length === 0) throw new CliError("no objects passed to apply");
  let failed = false;
  for (const manifest of manifests) {
    const target = targetOf(ctx, manifest);
    try {
      const { verb, result } = flags.serverSide
        ? await serverSideApply(ctx.cluster, target, dryRun, flags)
        : await clientSideApply(ctx, target, dryRun);
      if (format && format.kind !== "table") ctx.out(printObjects(format, [result], true));
      else ctx.out(`${displayName(target.info, target.name)} ${verb}${dryRunSuffix(dryRun)}\n`);
    } catch (err) {
      if (err instanceof CliError) throw err;
      failed = true;
      ctx.err(`${whenDoing(formatError(err), "applying", target.source)}\n`);
    }
  }
  if (failed) throw new CliError("", 1, true);
}

/**
 * The manifest as kubectl sends it: the object with the last-applied-configuration annotation
 * set to the object's own JSON (sorted keys, no annotation of itself, a trailing newline).
 */
export function withLastApplied(object: KubeObject): { modified: KubeObject; lastApplied: string } {
  const copy = structuredClone(object);
  const annotations = { ...(copy.metadata?.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  copy.metadata = { ...copy.metadata, annotations };
  const lastApplied = `${JSON.stringify(sortKeys(copy))}\n`;
  const modified = structuredClone(copy);
  modified.metadata!.annotations = { ...annotations, [LAST_APPLIED]: lastApplied };
  return { modified, lastApplied };
}

/**
 * The strategic merge patch a client-side apply sends for a live object, or undefined when
 * there is nothing to change (the manifest is what was last applied and the server agrees).
 */
export function applyPatchFor(object: KubeObject, live: KubeObject): Record<string, unknown> | undefined {
  const { modified } = withLastApplied(object);
  const originalText = live.metadata?.annotations?.[LAST_APPLIED];
  let original: JsonValue | undefined;
  if (originalText) {
    try {
      original = JSON.parse(originalText) as JsonValue;
    } catch {
      original = undefined;
    }
  }
  const meta = patchMetaFor(object.apiVersion ?? "", object.kind ?? "");
  const result = createThreeWayMergePatch(
    original,
    modified as JsonValue,
    live as unknown as JsonValue,
    meta,
  );
  if (!result.ok)
    throw new CliError(
      `cannot compute the patch for ${object.kind} "${object.metadata?.name}": ${result.error.message}`,
    );
  return Object.keys(result.value).length === 0 ? undefined : (result.value as Record<string, unknown>);
}

async function clientSideApply(
  ctx: Ctx,
  target: Target,
  dryRun: DryRun,
): Promise<{ verb: string; result: KubeObject }> {
  const { info, namespace, name } = target;
  const cluster = ctx.cluster;
  const path = resourcePath(info, { namespace: namespace, name: name });
  for (let attempt = 0; ; attempt++) {
    let live: KubeObject | undefined;
    try {
      live = await cluster.request<KubeObject>({ path });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!live) {
      const { modified } = withLastApplied(target.object);
      if (dryRun === "client") return { verb: "created", result: modified };
      const created = await cluster.request<KubeObject>({
        method: "POST",
        path: resourcePath(info, { namespace: namespace }),
        query: writeQuery(FIELD_MANAGER, dryRun),
        body: modified,
      });
      return { verb: "created", result: created };
    }
    if (!live.metadata?.annotations?.[LAST_APPLIED]) {
      ctx.err(
        `Warning: resource ${info.plural}/${name} is missing the ${LAST_APPLIED} annotation which is required by mkctl apply. mkctl apply should only be used on resources created declaratively by either mkctl create --save-config or mkctl apply. The missing annotation will be patched automatically.\n`,
      );
    }
    const patch = applyPatchFor(target.object, live);
    if (!patch) return { verb: "unchanged", result: live };
    if (dryRun === "client") return { verb: "configured", result: live };
    try {
      const patched = await cluster.request<KubeObject>({
        method: "PATCH",
        path,
        query: writeQuery(FIELD_MANAGER, dryRun),
        body: patch,
        contentType: "application/strategic-merge-patch+json",
      });
      return { verb: "configured", result: patched };
    } catch (err) {
      // kubectl re-reads and retries when another writer changed the object in between.
      if (isConflict(err) && attempt < 4) continue;
      throw err;
    }
  }
}

async function serverSideApply(
  cluster: Cluster,
  target: Target,
  dryRun: DryRun,
  flags: ApplyFlags,
): Promise<{ verb: string; result: KubeObject }> {
  if (dryRun === "client")
    throw new CliError(
      "--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)",
    );
  const result = await cluster.request<KubeObject>({
    method: "PATCH",
    path: resourcePath(target.info, { namespace: target.namespace, name: target.name }),
    query: {
      fieldManager: flags.fieldManager ?? "kubectl",
      force: Boolean(flags.forceConflicts),
      fieldValidation: "Strict",
      dryRun: dryRun === "server" ? "All" : undefined,
    },
    body: stringify(target.object),
    contentType: "application/apply-patch+yaml",
  });
  return { verb: "serverside-applied", result };
}

import { resourcePath } from "@minik8s/client";
import { getObject } from "../api.js";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import { parseDryRun } from "../objects.js";
import { kindPrefix } from "../resources.js";
import {
  POD_TEMPLATE_HASH,
  REVISION,
  replicaSetsOf,
  sameTemplateIgnoringHash,
} from "../workloads/deployment-history.js";
import { NO_RESOURCES, namedTargets, requireDeployment } from "../workloads/targets.js";
import { formatTemplate } from "./rollout-history.js";

// biome-ignore lint/suspicious/noExplicitAny: objects from the server are untyped JSON here
type Json = any;

export interface RolloutUndoFlags {
  toRevision?: string;
  dryRun?: string | boolean;
}

/** Annotations that belong to the deployment, not to a revision: kept across a rollback. */
const DEPLOYMENT_OWN = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION,
  "deployment.kubernetes.io/revision-history",
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
  "deprecated.deployment.rollback.to",
]);

/**
 * The JSON patch kubectl's DeploymentRollbacker sends: the revision's template (without its
 * pod-template-hash) and the ReplicaSet's annotations over the deployment's own.
 */
export function rollbackPatch(deployment: Json, rs: Json): Json[] {
  const template = structuredClone(rs.spec?.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH];
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries<string>(deployment.metadata?.annotations ?? {}))
    if (DEPLOYMENT_OWN.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries<string>(rs.metadata?.annotations ?? {}))
    if (!DEPLOYMENT_OWN.has(k)) annotations[k] = v;
  return [
    { op: "replace", path: "/spec/template", value: template },
    { op: "replace", path: "/metadata/annotations", value: annotations },
  ];
}

/** The ReplicaSet to go back to: revision `to`, or with 0 the one before the latest. */
export function pickRevision(name: string, sets: { revision: number; rs: Json }[], to: number): Json {
  if (to > 0) {
    const found = sets.find((s) => s.revision === to);
    if (!found) throw new CliError(`unable to find specified revision ${to} in history`);
    return found.rs;
  }
  const previous = sets.at(-2);
  if (!previous) throw new CliError(`no rollout history found for deployment "${name}"`);
  return previous.rs;
}

export async function runRolloutUndo(ctx: Ctx, args: string[], flags: RolloutUndoFlags): Promise<void> {
  const to = flags.toRevision === undefined ? 0 : Number(flags.toRevision);
  if (!Number.isInteger(to))
    throw new CliError(`invalid argument "${flags.toRevision}" for "--to-revision" flag`);
  if (to < 0) throw new CliError(`unable to find specified revision ${to} in history`);
  const dryRun = parseDryRun(flags.dryRun);
  for (const t of namedTargets(args, NO_RESOURCES)) {
    requireDeployment(t, 'no rollbacker has been implemented for "%KIND%"');
    const deployment = await getObject(ctx.cluster, t.info, ctx.namespace, t.name);
    const rs = pickRevision(t.name, await replicaSetsOf(ctx.cluster, deployment), to);
    const prefix = `${kindPrefix(t.info)}/${t.name}`;
    if (dryRun === "client") {
      ctx.out(`${prefix} ${formatTemplate(rs.spec?.template)} (dry run)\n`);
      continue;
    }
    if ((deployment as Json).spec?.paused)
      throw new CliError(
        "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
      );
    if (sameTemplateIgnoringHash(rs.spec?.template, (deployment as Json).spec?.template)) {
      ctx.out(`${prefix} skipped rollback (current template already matches revision ${to})\n`);
      continue;
    }
    await ctx.cluster.request({
      method: "PATCH",
      path: resourcePath(t.info, { namespace: ctx.namespace, name: t.name }),
      query: { dryRun: dryRun === "server" ? "All" : undefined },
      contentType: "application/json-patch+json",
      body: rollbackPatch(deployment, rs),
    });
    ctx.out(`${prefix} rolled back${dryRun === "server" ? " (server dry run)" : ""}\n`);
  }
}

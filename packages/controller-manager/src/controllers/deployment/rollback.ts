import type { ReplicaSet } from "@minik8s/api/schemas/apps";
import type { DeploymentContext } from "./context.js";
import { keyOf } from "./context.js";
import {
  byCreation,
  equalIgnoreHash,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  revisionOf,
  SKIPPED_ANNOTATIONS,
} from "./util.js";

/**
 * The ReplicaSet whose template is the Deployment's (ignoring the hash label); the oldest if
 * several. This is the whole of a rollback: `kubectl rollout undo` writes an old ReplicaSet's
 * template back into the Deployment, this finds that ReplicaSet, and it becomes the new one
 * again, scaled up by the rollout and given the next revision number.
 */
export function findNewReplicaSet(
  ctx: DeploymentContext,
  rsList: readonly ReplicaSet[],
): ReplicaSet | undefined {
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, ctx.d.spec.template));
}

/**
 * Copies the Deployment's own annotations to the ReplicaSet and raises its revision to
 * `newRevision` when lower (Kubernetes' SetNewReplicaSetAnnotations). A revision that moves
 * up on an existing ReplicaSet is a rollback to it: its old number goes to revision-history.
 * True when anything changed.
 */
export function setNewReplicaSetAnnotations(
  ctx: DeploymentContext,
  rs: ReplicaSet,
  newRevision: number,
  existing: boolean,
): boolean {
  const before = JSON.stringify(rs.metadata.annotations ?? {});
  const annotations = { ...(rs.metadata.annotations ?? {}) };
  for (const [k, v] of Object.entries(ctx.d.metadata.annotations ?? {})) {
    if (!SKIPPED_ANNOTATIONS.has(k)) annotations[k] = v;
  }
  const old = revisionOf(rs);
  if (!existing || old < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    if (existing && old > 0) {
      const history = annotations[REVISION_HISTORY_ANNOTATION];
      annotations[REVISION_HISTORY_ANNOTATION] = history ? `${history},${old}` : String(old);
      ctx.log.info(
        { deployment: keyOf(ctx), replicaset: rs.metadata.name, from: old, to: newRevision },
        "template matches an older ReplicaSet: rolling back to it",
      );
      // Kubernetes records DeploymentRollback only for the retired spec.rollbackTo; a template
      // written back by `kubectl rollout undo` deserves the same note.
      ctx.events.event(
        ctx.d,
        "Normal",
        "DeploymentRollback",
        `Rolled back deployment "${ctx.d.metadata.name}" to revision ${old} (now revision ${newRevision})`,
      );
    }
  }
  rs.metadata.annotations = annotations;
  return JSON.stringify(annotations) !== before;
}

import { deepCopy } from "@minik8s/api";
import { deepEqual } from "@minik8s/api/deep-equal";
import { kindForApiVersion } from "@minik8s/api/registry";
import type { Deployment, DeploymentStatus, ReplicaSet } from "@minik8s/api/schemas/apps";
import { isAlreadyExists, isNotFound } from "@minik8s/api/status-error";
import { controllerRef, controllerRefOf } from "../../controller-ref.js";
import { type DeploymentContext, keyOf, writeStatus } from "./context.js";
import { computeHash } from "./hash.js";
import { findNewReplicaSet, setNewReplicaSetAnnotations } from "./rollback.js";
import {
  activeReplicaSets,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  DESIRED_REPLICAS_ANNOTATION,
  desiredReplicas,
  equalIgnoreHash,
  findActiveOrLatest,
  getCondition,
  hasProgressDeadline,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newCondition,
  newRSNewReplicas,
  POD_TEMPLATE_HASH_LABEL,
  proportion,
  REASON_FOUND_NEW_RS,
  REASON_MIN_AVAILABLE,
  REASON_MIN_UNAVAILABLE,
  REASON_NEW_RS,
  REVISION_ANNOTATION,
  revisionOf,
  setCondition,
  setReplicasAnnotations,
  specReplicas,
  sumSpecReplicas,
  sumStatus,
} from "./util.js";

const RS_KIND = kindForApiVersion("apps/v1", "ReplicaSet")!;
const DEPLOYMENT_KIND = kindForApiVersion("apps/v1", "Deployment")!;

export interface RolloutSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/**
 * Splits the Deployment's ReplicaSets into the new one (its template is the Deployment's) and
 * the old ones, and brings the new one's revision up to date; with `create`, makes the new
 * one when there is none. Kubernetes' getAllReplicaSetsAndSyncRevision.
 */
export async function getAllReplicaSetsAndSyncRevision(
  ctx: DeploymentContext,
  rsList: ReplicaSet[],
  create: boolean,
): Promise<RolloutSets> {
  const found = findNewReplicaSet(ctx, rsList);
  const oldRSs = rsList.filter((rs) => rs !== found);
  const newRS = await getNewReplicaSet(ctx, found, oldRSs, create);
  return { newRS, oldRSs };
}

async function getNewReplicaSet(
  ctx: DeploymentContext,
  existing: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
  create: boolean,
): Promise<ReplicaSet | undefined> {
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) {
    const rs = deepCopy(existing);
    const annotationsChanged = setNewReplicaSetAnnotations(ctx, rs, newRevision, true);
    const minReadyChanged = (rs.spec.minReadySeconds ?? 0) !== (ctx.d.spec.minReadySeconds ?? 0);
    const current = existing;
    if (annotationsChanged || minReadyChanged) {
      rs.spec.minReadySeconds = ctx.d.spec.minReadySeconds ?? 0;
      // Later steps of this sync read the list: let them see what was written.
      Object.assign(existing, await ctx.client.update(rs));
    }
    await setDeploymentRevision(ctx, String(revisionOf(current)));
    if (!getCondition(ctx.d.status, "Progressing")) {
      await markProgressing(ctx, REASON_FOUND_NEW_RS, `Found new replica set "${current.metadata.name}"`);
    }
    return current;
  }
  if (!create) return undefined;
  return createNewReplicaSet(ctx, oldRSs, newRevision);
}

async function createNewReplicaSet(
  ctx: DeploymentContext,
  oldRSs: ReplicaSet[],
  newRevision: number,
): Promise<ReplicaSet | undefined> {
  const d = ctx.d;
  const collisionCount = d.status?.collisionCount;
  const hash = computeHash(d.spec.template, collisionCount);
  const template = deepCopy(d.spec.template);
  template.metadata = {
    ...(template.metadata ?? {}),
    labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash },
  };
  const selector = deepCopy(d.spec.selector);
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const rs: ReplicaSet = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...(template.metadata.labels ?? {}) },
      ownerReferences: [
        controllerRef({
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: d.metadata.name ?? "",
          uid: d.metadata.uid ?? "",
        }),
      ],
    },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
  const replicas = newRSNewReplicas(d, oldRSs, rs);
  rs.spec.replicas = replicas;
  setNewReplicaSetAnnotations(ctx, rs, newRevision, false);
  setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d));

  let created: ReplicaSet;
  try {
    created = await ctx.client.create(rs);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    // Ours already (our cache is behind), or a hash collision with someone else's.
    const there = await ctx.client.get<ReplicaSet>(RS_KIND, d.metadata.namespace, rs.metadata.name ?? "");
    if (
      controllerRefOf(there)?.uid === d.metadata.uid &&
      equalIgnoreHash(there.spec.template, d.spec.template)
    ) {
      return there;
    }
    const status = deepCopy(d.status ?? {});
    status.collisionCount = (collisionCount ?? 0) + 1;
    ctx.log.warn(
      { deployment: keyOf(ctx), replicaset: rs.metadata.name, collisionCount: status.collisionCount },
      "hash collision with another ReplicaSet; retrying with a new collision count",
    );
    await writeStatus(ctx, status);
    throw err;
  }
  ctx.log.info(
    { deployment: keyOf(ctx), replicaset: created.metadata.name, replicas, revision: newRevision },
    "created new ReplicaSet",
  );
  if (replicas > 0) {
    ctx.events.event(
      ctx.d,
      "Normal",
      "ScalingReplicaSet",
      `Scaled up replica set ${created.metadata.name} to ${replicas} from 0`,
    );
  }
  await setDeploymentRevision(ctx, String(newRevision));
  await markProgressing(ctx, REASON_NEW_RS, `Created new replica set "${created.metadata.name}"`);
  return created;
}

/** Progressing=True with `reason`, for deployments that track progress (progressDeadlineSeconds set). */
async function markProgressing(ctx: DeploymentContext, reason: string, message: string): Promise<void> {
  if (!hasProgressDeadline(ctx.d)) return;
  const status = deepCopy(ctx.d.status ?? {});
  setCondition(status, newCondition("Progressing", "True", reason, message, ctx.clock.now()));
  await writeStatus(ctx, status);
}

/** The Deployment carries its current revision as an annotation (`kubectl rollout history` shows it). */
async function setDeploymentRevision(ctx: DeploymentContext, revision: string): Promise<void> {
  if (ctx.d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return;
  ctx.d = await ctx.client.patch<Deployment>(
    DEPLOYMENT_KIND,
    ctx.d.metadata.namespace,
    ctx.d.metadata.name ?? "",
    "application/merge-patch+json",
    { metadata: { annotations: { [REVISION_ANNOTATION]: revision } } },
  );
}

/**
 * Sets a ReplicaSet's replicas (and its desired/max annotations) with a compare-and-swap PUT,
 * and records "Scaled up replica set web-abc to 3 from 1". The ReplicaSet in the caller's hands
 * becomes the written one. True when the size changed.
 */
export async function scaleReplicaSet(
  ctx: DeploymentContext,
  rs: ReplicaSet,
  replicas: number,
): Promise<boolean> {
  const from = specReplicas(rs);
  const next = deepCopy(rs);
  next.spec.replicas = replicas;
  const annotationsChanged = setReplicasAnnotations(
    next,
    desiredReplicas(ctx.d),
    desiredReplicas(ctx.d) + maxSurge(ctx.d),
  );
  if (from === replicas && !annotationsChanged) return false;
  const written = await ctx.client.update(next);
  Object.assign(rs, written);
  if (from === replicas) return false;
  const direction = replicas > from ? "up" : "down";
  ctx.log.info(
    { deployment: keyOf(ctx), replicaset: rs.metadata.name, from, to: replicas },
    `scaled ${direction} ReplicaSet`,
  );
  ctx.events.event(
    ctx.d,
    "Normal",
    "ScalingReplicaSet",
    `Scaled ${direction} replica set ${rs.metadata.name} to ${replicas} from ${from}`,
  );
  return true;
}

/**
 * A resize that is not a rollout (Kubernetes' scale): one active ReplicaSet takes the new
 * size; a saturated new one means the old ones go to zero; otherwise, mid-rollout, the
 * difference is shared among the active ReplicaSets in proportion to their sizes, leftovers
 * to the biggest, so the rollout keeps its shape.
 */
export async function scale(
  ctx: DeploymentContext,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): Promise<void> {
  const d = ctx.d;
  const single = findActiveOrLatest(newRS, oldRSs);
  if (single) {
    if (specReplicas(single) !== desiredReplicas(d)) await scaleReplicaSet(ctx, single, desiredReplicas(d));
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) await scaleReplicaSet(ctx, old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const active = activeReplicaSets([...oldRSs, newRS]);
  const allowed = desiredReplicas(d) > 0 ? desiredReplicas(d) + maxSurge(d) : 0;
  const toAdd = allowed - sumSpecReplicas(active);
  if (toAdd > 0) active.sort(bySizeNewer);
  else if (toAdd < 0) active.sort(bySizeOlder);
  let added = 0;
  const sizes = new Map<ReplicaSet, number>();
  for (const rs of active) {
    const share = toAdd !== 0 ? proportion(rs, d, toAdd, added) : 0;
    sizes.set(rs, specReplicas(rs) + share);
    added += share;
  }
  ctx.log.info(
    { deployment: keyOf(ctx), toAdd, replicaSets: active.map((rs) => rs.metadata.name) },
    "scaling proportionally mid-rollout",
  );
  for (const [i, rs] of active.entries()) {
    let size = sizes.get(rs) ?? 0;
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    await scaleReplicaSet(ctx, rs, size);
  }
}

/**
 * A resize, not a template change: some active ReplicaSet was sized for another replica count
 * (its desired-replicas annotation says which).
 */
export function isScalingEvent(d: Deployment, sets: RolloutSets): boolean {
  for (const rs of activeReplicaSets([...sets.oldRSs, sets.newRS])) {
    const desired = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
    if (desired === undefined) continue;
    if (Number(desired) !== desiredReplicas(d)) return true;
  }
  return false;
}

/**
 * Deletes the oldest old ReplicaSets beyond revisionHistoryLimit, only those fully scaled down
 * and settled (Kubernetes' cleanupDeployment).
 */
export async function cleanupDeployment(ctx: DeploymentContext, oldRSs: ReplicaSet[]): Promise<void> {
  const limit = ctx.d.spec.revisionHistoryLimit;
  if (limit === undefined) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
  const excess = cleanable.length - limit;
  for (const rs of cleanable.slice(0, Math.max(0, excess))) {
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0) continue;
    if ((rs.metadata.generation ?? 1) > (rs.status?.observedGeneration ?? 0)) continue;
    try {
      await ctx.client.delete(RS_KIND, rs.metadata.namespace, rs.metadata.name ?? "", {
        preconditions: { uid: rs.metadata.uid ?? "" },
      });
      ctx.log.info(
        { deployment: keyOf(ctx), replicaset: rs.metadata.name, revision: revisionOf(rs), limit },
        "deleted old ReplicaSet beyond revisionHistoryLimit",
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Kubernetes' calculateStatus: counts from the ReplicaSets, plus the Available condition. */
export function calculateStatus(
  d: Deployment,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
  nowMs: number,
): DeploymentStatus {
  const available = sumStatus(allRSs, "availableReplicas");
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sumStatus(allRSs, "replicas"),
    updatedReplicas: sumStatus([newRS], "replicas"),
    readyReplicas: sumStatus(allRSs, "readyReplicas"),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumSpecReplicas(allRSs) - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions) status.conditions = deepCopy(d.status.conditions);
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(
      status,
      newCondition("Available", "True", REASON_MIN_AVAILABLE, "Deployment has minimum availability.", nowMs),
    );
  } else {
    setCondition(
      status,
      newCondition(
        "Available",
        "False",
        REASON_MIN_UNAVAILABLE,
        "Deployment does not have minimum availability.",
        nowMs,
      ),
    );
  }
  return status;
}

/** Writes the status when it changed (without judging progress: paused and scaling syncs). */
export async function syncDeploymentStatus(
  ctx: DeploymentContext,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
): Promise<void> {
  const status = calculateStatus(ctx.d, allRSs, newRS, ctx.clock.now());
  if (!deepEqual(ctx.d.status ?? {}, status)) await writeStatus(ctx, status);
}

/** A scaling event or a paused Deployment: resize, tidy up, report; no rollout. */
export async function sync(ctx: DeploymentContext, rsList: ReplicaSet[]): Promise<void> {
  const sets = await getAllReplicaSetsAndSyncRevision(ctx, rsList, false);
  await scale(ctx, sets.newRS, sets.oldRSs);
  if (ctx.d.spec.paused) await cleanupDeployment(ctx, sets.oldRSs);
  await syncDeploymentStatus(ctx, allOf(sets), sets.newRS);
}

export function allOf(sets: RolloutSets): ReplicaSet[] {
  return sets.newRS ? [...sets.oldRSs, sets.newRS] : [...sets.oldRSs];
}

import { deepEqual } from "@minik8s/api/deep-equal";
import type {
  Deployment,
  DeploymentCondition,
  DeploymentStatus,
  ReplicaSet,
} from "@minik8s/api/schemas/apps";
import type { PodTemplateSpec } from "@minik8s/api/schemas/core";
import { rfc3339 } from "@minik8s/api/time";

export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas";
export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";

/** Annotations of a Deployment that are its own and never copied to its ReplicaSets. */
export const SKIPPED_ANNOTATIONS = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  "deprecated.deployment.rollback.to",
]);

// Condition reasons, Kubernetes' words (kubectl rollout status reads ProgressDeadlineExceeded).
export const REASON_NEW_RS = "NewReplicaSetCreated";
export const REASON_FOUND_NEW_RS = "FoundNewReplicaSet";
export const REASON_RS_UPDATED = "ReplicaSetUpdated";
export const REASON_NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
export const REASON_TIMED_OUT = "ProgressDeadlineExceeded";
export const REASON_PAUSED = "DeploymentPaused";
export const REASON_RESUMED = "DeploymentResumed";
export const REASON_MIN_AVAILABLE = "MinimumReplicasAvailable";
export const REASON_MIN_UNAVAILABLE = "MinimumReplicasUnavailable";

export type IntOrPercent = number | string | undefined;

/**
 * intstr.GetScaledValueFromIntOrPercent: an int as it is, "25%" of `total` rounded up or down.
 * Anything else is an error value (validation keeps it from happening).
 */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean): number | Error {
  if (value === undefined) return 0;
  if (typeof value === "number") return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) {
    if (/^\d+$/.test(value)) return Number(value);
    return new Error(`invalid value for IntOrString: ${JSON.stringify(value)} is not a percentage`);
  }
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * Kubernetes' ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down, and both zero
 * would deadlock a rollout, so maxUnavailable becomes 1 then.
 */
export function resolveFenceposts(
  maxSurge: IntOrPercent,
  maxUnavailable: IntOrPercent,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? "25%", desired, true);
  const unavailable = scaledValue(maxUnavailable ?? "25%", desired, false);
  const s = surge instanceof Error ? 0 : surge;
  let u = unavailable instanceof Error ? 0 : unavailable;
  if (s === 0 && u === 0) u = 1;
  return { surge: s, unavailable: u };
}

export const desiredReplicas = (d: Deployment): number => d.spec.replicas ?? 1;
export const isRollingUpdate = (d: Deployment): boolean =>
  (d.spec.strategy?.type ?? "RollingUpdate") === "RollingUpdate";

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desiredReplicas(d)).surge;
}

/** Never more than the replicas themselves. */
export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || desiredReplicas(d) === 0) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  const { unavailable } = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desiredReplicas(d));
  return Math.min(unavailable, desiredReplicas(d));
}

export const specReplicas = (rs: ReplicaSet | undefined): number => rs?.spec.replicas ?? 0;
export const sumSpecReplicas = (rss: readonly (ReplicaSet | undefined)[]): number =>
  rss.reduce((n, rs) => n + specReplicas(rs), 0);
export const sumStatus = (
  rss: readonly (ReplicaSet | undefined)[],
  field: "replicas" | "readyReplicas" | "availableReplicas",
): number => rss.reduce((n, rs) => n + (rs?.status?.[field] ?? 0), 0);

export const activeReplicaSets = (rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] =>
  rss.filter((rs): rs is ReplicaSet => rs !== undefined && specReplicas(rs) > 0);

export function revisionOf(rs: { metadata?: { annotations?: Record<string, string> } } | undefined): number {
  const n = Number(rs?.metadata?.annotations?.[REVISION_ANNOTATION] ?? "0");
  return Number.isFinite(n) ? n : 0;
}

export const maxRevision = (rss: readonly ReplicaSet[]): number => Math.max(0, ...rss.map(revisionOf));

const created = (rs: ReplicaSet) => Date.parse(rs.metadata.creationTimestamp ?? "") || 0;

/** Oldest first; ties by name, as Kubernetes' ReplicaSetsByCreationTimestamp. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return created(a) - created(b) || (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
}

/** Lowest revision first (ties: oldest first): the order old ReplicaSets are cleaned up in. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

/** Bigger first; of equal size, newer first (where scaling up goes first). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreation(b, a);
}

/** Bigger first; of equal size, older first (where scaling down goes first). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreation(a, b);
}

/** A template without the `pod-template-hash` label, for comparing a ReplicaSet with its Deployment. */
function withoutHash(template: PodTemplateSpec): PodTemplateSpec {
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  const metadata = { ...(template.metadata ?? {}), labels };
  if (Object.keys(labels).length === 0) delete (metadata as { labels?: unknown }).labels;
  return { ...template, metadata };
}

/** Kubernetes' EqualIgnoreHash: the same pod template, whatever the hash label says. */
export function equalIgnoreHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  const x = withoutHash(a);
  const y = withoutHash(b);
  const emptyMeta = (t: PodTemplateSpec) => Object.keys(t.metadata ?? {}).length === 0;
  if (emptyMeta(x) && emptyMeta(y)) return deepEqual(x.spec, y.spec);
  return deepEqual(x, y);
}

/**
 * The pods a ReplicaSet may have right now: its spec, or more while a scale-down is still
 * deleting (status.replicas lags). Kubernetes counts spec only, so its maxSurge bound holds for
 * specs and can be overshot by pods for a moment; counting this way it holds for pods too.
 */
export const podsUpperBound = (rs: ReplicaSet | undefined): number =>
  Math.max(specReplicas(rs), rs?.status?.replicas ?? 0);

/**
 * The available pods a ReplicaSet surely keeps: never more than its spec, since the surplus is
 * about to be deleted (status.availableReplicas lags a scale-down). Kubernetes reads the status
 * alone; this keeps the maxUnavailable bound true for pods while statuses catch up.
 */
export const availableLowerBound = (rs: ReplicaSet | undefined): number =>
  Math.min(specReplicas(rs), rs?.status?.availableReplicas ?? 0);

/** Kubernetes' NewRSNewReplicas for a rolling update: grow the new RS as far as maxSurge allows. */
export function newRSNewReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return desiredReplicas(d);
  const current = allRSs.reduce((n, rs) => n + (rs === newRS ? specReplicas(rs) : podsUpperBound(rs)), 0);
  const maxTotal = desiredReplicas(d) + maxSurge(d);
  if (current >= maxTotal) return specReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, desiredReplicas(d) - specReplicas(newRS));
  return specReplicas(newRS) + Math.max(0, scaleUp);
}

/**
 * Kubernetes' GetProportion: the share of `toAdd` (positive or negative) this ReplicaSet gets
 * when a Deployment is resized mid-rollout, from the size it had when the Deployment was
 * `max-replicas` big; capped so the sum never overshoots.
 */
export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (desiredReplicas(d) === 0) return -specReplicas(rs);
  const deploymentReplicas = desiredReplicas(d) + maxSurge(d);
  const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION]);
  const base = Number.isInteger(annotated) && annotated > 0 ? annotated : (d.status?.replicas ?? 0);
  if (base === 0) return 0;
  // Go's integer.RoundToInt32: halves round away from zero.
  const size = (specReplicas(rs) * deploymentReplicas) / base;
  return Math.sign(size) * Math.round(Math.abs(size)) - specReplicas(rs);
}

/** The new RS runs every replica, all available, and was sized for the current Deployment. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = Number(rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION]);
  return (
    specReplicas(rs) === desiredReplicas(d) &&
    desired === desiredReplicas(d) &&
    (rs.status?.availableReplicas ?? 0) === desiredReplicas(d)
  );
}

/** With one active ReplicaSet, that one; with none, the newest; with several, none. */
export function findActiveOrLatest(
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** Sets the desired/max annotations; true when they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = { ...(rs.metadata.annotations ?? {}) };
  const changed =
    annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired) ||
    annotations[MAX_REPLICAS_ANNOTATION] !== String(max);
  annotations[DESIRED_REPLICAS_ANNOTATION] = String(desired);
  annotations[MAX_REPLICAS_ANNOTATION] = String(max);
  rs.metadata.annotations = annotations;
  return changed;
}

// ---- conditions ---------------------------------------------------------------------------------

export function newCondition(
  type: string,
  status: "True" | "False" | "Unknown",
  reason: string,
  message: string,
  nowMs: number,
): DeploymentCondition {
  const now = rfc3339(nowMs);
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

export function getCondition(
  status: DeploymentStatus | undefined,
  type: string,
): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** Kubernetes' SetDeploymentCondition: same status and reason is no change; same status keeps the transition time. */
export function setCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

/** progressDeadlineSeconds set (Kubernetes treats MaxInt32 as "never"). */
export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec.progressDeadlineSeconds;
  return s !== undefined && s !== 2147483647;
}

/** Every replica updated and available, and the status is about the current spec. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const want = desiredReplicas(d);
  return (
    (status.updatedReplicas ?? 0) === want &&
    (status.replicas ?? 0) === want &&
    (status.availableReplicas ?? 0) === want &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 1)
  );
}

/** Some progress since the last status: more updated, ready or available pods, or fewer old ones. */
export function deploymentProgressing(d: Deployment, next: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0) ||
    oldOld > newOld
  );
}

/** The Progressing condition has not moved for progressDeadlineSeconds. */
export function deploymentTimedOut(d: Deployment, status: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(status, "Progressing");
  if (!cond || cond.reason === REASON_NEW_RS_AVAILABLE) return false;
  if (cond.reason === REASON_TIMED_OUT) return true;
  const from = Date.parse(cond.lastUpdateTime ?? "");
  if (!Number.isFinite(from)) return false;
  return from + (d.spec.progressDeadlineSeconds ?? 600) * 1000 < nowMs;
}

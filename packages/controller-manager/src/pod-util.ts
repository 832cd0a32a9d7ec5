import type { Pod } from "@minik8s/api/schemas/core";

/** Pods that count towards a controller's replicas: not finished, not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
}

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === "Ready");
}

/** The kubelet's verdict: the pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === "True";
}

/**
 * Ready for at least `minReadySeconds` (Kubernetes' podutil.IsPodAvailable): the Ready
 * condition's lastTransitionTime says since when.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(readyCondition(pod)?.lastTransitionTime ?? "");
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= nowMs;
}

/** Milliseconds until a ready pod becomes available, or undefined when it never will by waiting. */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, nowMs: number): number | undefined {
  if (!isPodReady(pod) || minReadySeconds <= 0) return undefined;
  const since = Date.parse(readyCondition(pod)?.lastTransitionTime ?? "");
  if (!Number.isFinite(since)) return undefined;
  const left = since + minReadySeconds * 1000 - nowMs;
  return left > 0 ? left : undefined;
}

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function readySince(pod: Pod): number {
  return Date.parse(readyCondition(pod)?.lastTransitionTime ?? "") || 0;
}

function restarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

function created(pod: Pod): number {
  return Date.parse(pod.metadata.creationTimestamp ?? "") || 0;
}

/**
 * Kubernetes' ActivePodsWithRanks ordering: the pods it is cheapest to lose come first.
 * 1. unscheduled before scheduled; 2. Pending before Unknown before Running; 3. not ready before
 * ready; 4. pods sharing a node with more of their siblings first (`rank`, spreads what is left);
 * 5. ready for less time first; 6. more container restarts first; 7. newer before older.
 * Kubernetes compares ready time in log-scale buckets (LogarithmicScaleDown); we compare it exactly.
 */
export function comparePodsForDeletion(a: Pod, b: Pod, rankA = 0, rankB = 0): number {
  const scheduledA = a.spec.nodeName ? 1 : 0;
  const scheduledB = b.spec.nodeName ? 1 : 0;
  if (scheduledA !== scheduledB) return scheduledA - scheduledB;
  const phaseA = PHASE_ORDER[a.status?.phase ?? "Pending"] ?? 0;
  const phaseB = PHASE_ORDER[b.status?.phase ?? "Pending"] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a) ? 1 : 0;
  const readyB = isPodReady(b) ? 1 : 0;
  if (readyA !== readyB) return readyA - readyB;
  if (rankA !== rankB) return rankB - rankA;
  if (readyA && readyB) {
    const sinceA = readySince(a);
    const sinceB = readySince(b);
    if (sinceA !== sinceB) return sinceB - sinceA;
  }
  const restartsA = restarts(a);
  const restartsB = restarts(b);
  if (restartsA !== restartsB) return restartsB - restartsA;
  const createdA = created(a);
  const createdB = created(b);
  if (createdA !== createdB) return createdB - createdA;
  return (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
}

/**
 * The `count` pods to delete from `pods`. `related` are the pods of the same owner family (the
 * Deployment's other ReplicaSets included), whose count per node is each pod's rank.
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], count: number): Pod[] {
  const perNode = new Map<string, number>();
  for (const pod of related) {
    const node = pod.spec.nodeName;
    if (node && isPodActive(pod)) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const rank = (pod: Pod) => (pod.spec.nodeName ? (perNode.get(pod.spec.nodeName) ?? 0) : 0);
  return [...pods]
    .sort((a, b) => comparePodsForDeletion(a, b, rank(a), rank(b)))
    .slice(0, Math.max(0, count));
}

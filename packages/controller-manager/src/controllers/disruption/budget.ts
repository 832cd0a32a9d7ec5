import type { Pod } from "@minik8s/api/schemas/core";
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from "@minik8s/api/schemas/policy";

/** Kubernetes' DeletionTimeout: an eviction the controller has not seen happen within 2 minutes is forgotten. */
export const DISRUPTED_POD_TIMEOUT_MS = 2 * 60 * 1000;

export type IntOrPercent = number | string;

/**
 * `intstr.GetScaledValueFromIntOrPercent`: an int as it is, "25%" of `total` rounded up or
 * down. A malformed value is an Error (validation keeps it from being stored).
 */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean): number | Error {
  if (typeof value === "number") return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) return new Error(`invalid value for IntOrString: ${JSON.stringify(value)} is not a percentage`);
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** Whether the budget needs its pods' controllers' scale (percentages and maxUnavailable do). */
export function needsControllerScale(spec: PodDisruptionBudget["spec"]): boolean {
  if (spec.maxUnavailable !== undefined) return true;
  return typeof spec.minAvailable === "string";
}

export interface Desired {
  expectedPods: number;
  desiredHealthy: number;
}

/**
 * Kubernetes' getExpectedPodCount: with minAvailable as a count, the pods that exist are what is
 * expected; with a percentage or maxUnavailable, the sum of the owning controllers' replicas
 * (`controllerScale`, undefined when it could not be found). minAvailable rounds up,
 * maxUnavailable rounds up too, so both err on the side of keeping pods.
 */
export function desiredHealthy(
  spec: PodDisruptionBudget["spec"],
  podCount: number,
  controllerScale: number | undefined,
): Desired | Error {
  if (spec.maxUnavailable !== undefined) {
    if (controllerScale === undefined) return new Error("found no controllers for the pods");
    const unavailable = scaledValue(spec.maxUnavailable, controllerScale, true);
    if (unavailable instanceof Error) return unavailable;
    return { expectedPods: controllerScale, desiredHealthy: Math.max(0, controllerScale - unavailable) };
  }
  if (spec.minAvailable === undefined) return { expectedPods: podCount, desiredHealthy: 0 };
  if (typeof spec.minAvailable === "number") {
    return { expectedPods: podCount, desiredHealthy: spec.minAvailable };
  }
  if (controllerScale === undefined) return new Error("found no controllers for the pods");
  const min = scaledValue(spec.minAvailable, controllerScale, true);
  if (min instanceof Error) return min;
  return { expectedPods: controllerScale, desiredHealthy: min };
}

/**
 * Kubernetes' buildDisruptedPodMap: keep an eviction on record only while its pod still exists,
 * is not yet being deleted, and the eviction is younger than the timeout. Returns the kept map
 * and, if one was kept, when the oldest kept entry expires (the controller rechecks then).
 */
export function pruneDisruptedPods(
  disrupted: Record<string, string> | undefined,
  pods: readonly Pod[],
  nowMs: number,
): { kept: Record<string, string>; recheckAtMs?: number } {
  const kept: Record<string, string> = {};
  let recheckAtMs: number | undefined;
  const byName = new Map(pods.map((p) => [p.metadata.name ?? "", p]));
  for (const [name, at] of Object.entries(disrupted ?? {})) {
    const pod = byName.get(name);
    if (!pod || pod.metadata.deletionTimestamp) continue;
    const expires = Date.parse(at) + DISRUPTED_POD_TIMEOUT_MS;
    if (!(expires > nowMs)) continue;
    kept[name] = at;
    recheckAtMs = recheckAtMs === undefined ? expires : Math.min(recheckAtMs, expires);
  }
  return recheckAtMs === undefined ? { kept } : { kept, recheckAtMs };
}

/**
 * Kubernetes' countHealthyPods: Ready pods that are neither being deleted nor on the budget's
 * record of evictions in flight.
 */
export function countHealthy(
  pods: readonly Pod[],
  disrupted: Record<string, string>,
  isReady: (pod: Pod) => boolean,
): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (Object.hasOwn(disrupted, pod.metadata.name ?? "")) continue;
    if (isReady(pod)) healthy++;
  }
  return healthy;
}

/** Kubernetes' updatePdbStatus: how many may go now, never below zero, zero when none are expected. */
export function disruptionsAllowed(currentHealthy: number, desired: Desired): number {
  const allowed = currentHealthy - desired.desiredHealthy;
  return desired.expectedPods <= 0 || allowed <= 0 ? 0 : allowed;
}

/** The `DisruptionAllowed` condition as Kubernetes words it. */
export function disruptionAllowedCondition(
  allowed: number,
  syncError: string | undefined,
): { status: "True" | "False"; reason: string; message: string } {
  if (syncError !== undefined) return { status: "False", reason: "SyncFailed", message: syncError };
  return allowed > 0
    ? { status: "True", reason: "SufficientPods", message: "" }
    : { status: "False", reason: "InsufficientPods", message: "" };
}

export type BudgetStatus = PodDisruptionBudgetStatus;

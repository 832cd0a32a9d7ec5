import type { Pod } from "@minik8s/api";
import { podRequests } from "../framework/pod-requests.js";
import { MAX_NODE_SCORE, type NodeInfo } from "../framework/types.js";

/**
 * The arithmetic kube-scheduler's resourceAllocationScorer shares between NodeResourcesFit's
 * strategies and NodeResourcesBalancedAllocation: per configured resource, the node's allocatable
 * and what would be requested with this pod on it, then a strategy turns those into 0..100. Integer
 * arithmetic truncates as Go's does, so scores match Kubernetes'.
 */

export interface ResourceSpec {
  name: string;
  weight: number;
}

export const DEFAULT_RESOURCES: readonly ResourceSpec[] = [
  { name: "cpu", weight: 1 },
  { name: "memory", weight: 1 },
];

/** requested and allocatable per resource, in the order of the configured resources. */
export type Scorer = (requested: bigint[], allocatable: bigint[]) => number;

const NATIVE = new Set(["cpu", "memory", "ephemeral-storage", "pods", "storage"]);

/** Extended resources, hugepages and the like: Kubernetes' IsScalarResourceName. */
export const isScalarResource = (name: string): boolean => !NATIVE.has(name);

/**
 * The pod's request of each resource. `useRequested` false (NodeResourcesFit) fills missing cpu and
 * memory requests with the non-zero defaults; BalancedAllocation uses the real requests.
 */
export function podRequestList(
  pod: Pod,
  resources: readonly ResourceSpec[],
  useRequested: boolean,
): bigint[] {
  const req = podRequests(pod, { nonZero: !useRequested });
  return resources.map((r) => req[r.name] ?? 0n);
}

function allocatableAndRequested(
  node: NodeInfo,
  resource: string,
  podRequest: bigint,
  useRequested: boolean,
): [bigint, bigint] {
  // A pod that does not ask for an extended resource is not scored on it.
  if (podRequest === 0n && isScalarResource(resource)) return [0n, 0n];
  const alloc = node.allocatable[resource];
  if (alloc === undefined) return [0n, 0n];
  const used =
    (resource === "cpu" || resource === "memory") && !useRequested
      ? (node.nonZeroRequested ?? node.requested)[resource]
      : node.requested[resource];
  return [alloc, (used ?? 0n) + podRequest];
}

export function scoreResources(
  node: NodeInfo,
  resources: readonly ResourceSpec[],
  podRequest: readonly bigint[],
  useRequested: boolean,
  scorer: Scorer,
): number {
  const requested: bigint[] = [];
  const allocatable: bigint[] = [];
  resources.forEach((r, i) => {
    const [alloc, req] = allocatableAndRequested(node, r.name, podRequest[i] ?? 0n, useRequested);
    allocatable.push(alloc);
    requested.push(alloc === 0n ? 0n : req);
  });
  return scorer(requested, allocatable);
}

const MAX = BigInt(MAX_NODE_SCORE);
const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);

function weighted(
  resources: readonly ResourceSpec[],
  one: (requested: bigint, capacity: bigint) => bigint,
): Scorer {
  return (requested, allocatable) => {
    let sum = 0n;
    let weights = 0n;
    requested.forEach((req, i) => {
      const cap = allocatable[i] ?? 0n;
      if (cap === 0n) return;
      const w = BigInt(resources[i]?.weight ?? 1);
      sum += one(req, cap) * w;
      weights += w;
    });
    return weights === 0n ? 0 : Number(sum / weights);
  };
}

/** LeastAllocated: free share after placing the pod; spreads pods. */
export const leastAllocated = (resources: readonly ResourceSpec[]): Scorer =>
  weighted(resources, (req, cap) => (req > cap ? 0n : ((cap - req) * MAX) / cap));

/** MostAllocated: used share after placing the pod; bin-packs. */
export const mostAllocated = (resources: readonly ResourceSpec[]): Scorer =>
  weighted(resources, (req, cap) => (minBig(req, cap) * MAX) / cap);

export interface ShapePoint {
  utilization: number;
  score: number;
}

/** Kubernetes' broken linear function through the shape's points (utilization 0..100 → score). */
function brokenLinear(shape: readonly ShapePoint[]): (p: bigint) => bigint {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      const cur = shape[i]!;
      if (p <= BigInt(cur.utilization)) {
        if (i === 0) return BigInt(cur.score);
        const prev = shape[i - 1]!;
        const du = BigInt(cur.utilization - prev.utilization);
        return BigInt(prev.score) + (BigInt(cur.score - prev.score) * (p - BigInt(prev.utilization))) / du;
      }
    }
    return BigInt(shape[shape.length - 1]?.score ?? 0);
  };
}

/**
 * RequestedToCapacityRatio: a user-drawn curve of utilization to score. Shape scores are 0..10 in
 * the configuration and scaled to 0..100; resources scoring 0 do not count toward the average.
 */
export function requestedToCapacityRatio(
  resources: readonly ResourceSpec[],
  shape: readonly ShapePoint[],
): Scorer {
  const f = brokenLinear(shape.map((p) => ({ utilization: p.utilization, score: p.score * 10 })));
  const one = (req: bigint, cap: bigint): bigint =>
    cap === 0n || req > cap ? f(100n) : f((req * 100n) / cap);
  return (requested, allocatable) => {
    let sum = 0n;
    let weights = 0n;
    requested.forEach((req, i) => {
      const cap = allocatable[i] ?? 0n;
      if (cap === 0n) return;
      const s = one(req, cap);
      if (s <= 0n) return;
      const w = BigInt(resources[i]?.weight ?? 1);
      sum += s * w;
      weights += w;
    });
    return weights === 0n ? 0 : Math.round(Number(sum) / Number(weights));
  };
}

/** BalancedAllocation: 100 × (1 − standard deviation of the used fractions). */
export const balanced: Scorer = (requested, allocatable) => {
  const fractions: number[] = [];
  requested.forEach((req, i) => {
    const cap = allocatable[i] ?? 0n;
    if (cap === 0n) return;
    fractions.push(Math.min(1, Number(req) / Number(cap)));
  });
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
};

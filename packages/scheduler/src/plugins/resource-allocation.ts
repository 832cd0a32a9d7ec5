import type { Pod } from "@minik8s/api";
import { cycleRequests } from "../framework/pod-requests.js";
import { type CycleState, MAX_NODE_SCORE, type NodeInfo, type NodeNumbers } from "../framework/types.js";

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

/**
 * requested and allocatable per resource, in the order of the configured resources. `numeric` is
 * the same strategy over plain numbers: every bigint operation allocates, and Score runs for every
 * feasible node, so while all values are below NUMERIC_LIMIT (where double arithmetic is exact,
 * truncating divisions included) scoreResources takes that path; the answer is the same.
 */
export type Scorer = ((requested: bigint[], allocatable: bigint[]) => number) & {
  numeric?: (requested: number[], allocatable: number[]) => number;
};

/** 2^46 (64 Ti): even times 100 (a score) it stays below 2^53, so doubles hold it exactly. */
const NUMERIC_LIMIT = 2 ** 46;
const inNumericRange = (x: number): boolean => x < NUMERIC_LIMIT && x > -NUMERIC_LIMIT;

const NATIVE = new Set(["cpu", "memory", "ephemeral-storage", "pods", "storage"]);

/** Extended resources, hugepages and the like: Kubernetes' IsScalarResourceName. */
export const isScalarResource = (name: string): boolean => !NATIVE.has(name);

/**
 * The pod's side of a resource score, worked out once per cycle in PreScore so that Score, which
 * runs for every feasible node, does no bigint work, set lookup or string compare of its own.
 */
export interface ScoredRequest {
  /** The pod's request of each configured resource, in their order. */
  wants: bigint[];
  /** `wants` as numbers; `numeric` is false when one of them is out of the exact range. */
  wantNumbers: number[];
  numeric: boolean;
  /** A scalar (extended) resource the pod does not ask for: not scored. */
  skip: boolean[];
  /** Compare against the node's requests with the non-zero defaults (cpu and memory, NodeResourcesFit). */
  nonZero: boolean[];
}

/**
 * The pod's request of each resource. `useRequested` false (NodeResourcesFit) fills missing cpu and
 * memory requests with the non-zero defaults; BalancedAllocation uses the real requests.
 */
export function scoredRequest(
  pod: Pod,
  resources: readonly ResourceSpec[],
  useRequested: boolean,
  state: CycleState = new Map(),
): ScoredRequest {
  const req = cycleRequests(state, pod, { nonZero: !useRequested });
  const wants = resources.map((r) => req[r.name] ?? 0n);
  const wantNumbers = wants.map(Number);
  return {
    wants,
    wantNumbers,
    numeric: wantNumbers.every(inNumericRange),
    skip: resources.map((r, i) => wants[i] === 0n && isScalarResource(r.name)),
    nonZero: resources.map((r) => !useRequested && (r.name === "cpu" || r.name === "memory")),
  };
}

// Score runs per node: the two lists handed to the scorer are reused instead of allocated each
// time. Safe because a scorer is synchronous and keeps neither list.
const requestedScratch: bigint[] = [];
const allocatableScratch: bigint[] = [];
const requestedNumbers: number[] = [];
const allocatableNumbers: number[] = [];

/** The numeric path of scoreResources; undefined when a value is out of its exact range. */
function scoreNumeric(
  numbers: NodeNumbers,
  resources: readonly ResourceSpec[],
  request: ScoredRequest,
  numeric: (requested: number[], allocatable: number[]) => number,
): number | undefined {
  const n = resources.length;
  if (requestedNumbers.length !== n) {
    requestedNumbers.length = n;
    allocatableNumbers.length = n;
  }
  for (let i = 0; i < n; i++) {
    const resource = resources[i]!.name;
    // An allocatable of 0 converts to exactly 0, so this is the bigint path's test.
    const a = request.skip[i] ? 0 : (numbers.allocatable[resource] ?? 0);
    if (a === 0) {
      allocatableNumbers[i] = 0;
      requestedNumbers[i] = 0;
      continue;
    }
    const u = (request.nonZero[i] ? numbers.nonZeroRequested : numbers.requested)[resource] ?? 0;
    if (!inNumericRange(a) || !inNumericRange(u)) return undefined;
    allocatableNumbers[i] = a;
    requestedNumbers[i] = u + request.wantNumbers[i]!;
  }
  return numeric(requestedNumbers, allocatableNumbers);
}

export function scoreResources(
  node: NodeInfo,
  resources: readonly ResourceSpec[],
  request: ScoredRequest,
  scorer: Scorer,
): number {
  if (scorer.numeric && request.numeric && node.numbers) {
    const score = scoreNumeric(node.numbers, resources, request, scorer.numeric);
    if (score !== undefined) return score;
  }
  const n = resources.length;
  if (requestedScratch.length !== n) {
    requestedScratch.length = n;
    allocatableScratch.length = n;
  }
  const nonZero = node.nonZeroRequested ?? node.requested;
  for (let i = 0; i < n; i++) {
    const resource = resources[i]!.name;
    const want = request.wants[i]!;
    const alloc = node.allocatable[resource];
    // A pod that does not ask for an extended resource is not scored on it.
    if (alloc === undefined || alloc === 0n || request.skip[i]) {
      allocatableScratch[i] = 0n;
      requestedScratch[i] = 0n;
      continue;
    }
    const used = request.nonZero[i] ? nonZero[resource] : node.requested[resource];
    allocatableScratch[i] = alloc;
    requestedScratch[i] = used === undefined ? want : used + want;
  }
  return scorer(requestedScratch, allocatableScratch);
}

const MAX = BigInt(MAX_NODE_SCORE);
const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);

function weighted(
  resources: readonly ResourceSpec[],
  one: (requested: bigint, capacity: bigint) => bigint,
  oneNumeric: (requested: number, capacity: number) => number,
): Scorer {
  const w = resources.map((r) => BigInt(r.weight ?? 1));
  const wn = resources.map((r) => r.weight ?? 1);
  const numeric = (requested: number[], allocatable: number[]): number => {
    let sum = 0;
    let weights = 0;
    for (let i = 0; i < requested.length; i++) {
      const cap = allocatable[i] ?? 0;
      if (cap === 0) continue;
      const wi = wn[i] ?? 1;
      sum += oneNumeric(requested[i]!, cap) * wi;
      weights += wi;
    }
    return weights === 0 ? 0 : Math.trunc(sum / weights);
  };
  return Object.assign(
    (requested: bigint[], allocatable: bigint[]) => {
      let sum = 0n;
      let weights = 0n;
      for (let i = 0; i < requested.length; i++) {
        const cap = allocatable[i] ?? 0n;
        if (cap === 0n) continue;
        const wi = w[i] ?? 1n;
        sum += one(requested[i]!, cap) * wi;
        weights += wi;
      }
      return weights === 0n ? 0 : Number(sum / weights);
    },
    { numeric },
  );
}

/** LeastAllocated: free share after placing the pod; spreads pods. */
export const leastAllocated = (resources: readonly ResourceSpec[]): Scorer =>
  weighted(
    resources,
    (req, cap) => (req > cap ? 0n : ((cap - req) * MAX) / cap),
    (req, cap) => (req > cap ? 0 : Math.trunc(((cap - req) * MAX_NODE_SCORE) / cap)),
  );

/** MostAllocated: used share after placing the pod; bin-packs. */
export const mostAllocated = (resources: readonly ResourceSpec[]): Scorer =>
  weighted(
    resources,
    (req, cap) => (minBig(req, cap) * MAX) / cap,
    (req, cap) => Math.trunc((Math.min(req, cap) * MAX_NODE_SCORE) / cap),
  );

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
  const w = resources.map((r) => BigInt(r.weight ?? 1));
  return (requested, allocatable) => {
    let sum = 0n;
    let weights = 0n;
    for (let i = 0; i < requested.length; i++) {
      const cap = allocatable[i] ?? 0n;
      if (cap === 0n) continue;
      const s = one(requested[i]!, cap);
      if (s <= 0n) continue;
      const wi = w[i] ?? 1n;
      sum += s * wi;
      weights += wi;
    }
    return weights === 0n ? 0 : Math.round(Number(sum) / Number(weights));
  };
}

/** BalancedAllocation: 100 × (1 − standard deviation of the used fractions). */
const fractionsScratch: number[] = [];

function balancedOf<T extends bigint | number>(requested: readonly T[], allocatable: readonly T[]): number {
  const fractions = fractionsScratch;
  let n = 0;
  for (let i = 0; i < requested.length; i++) {
    const cap = allocatable[i];
    if (cap === undefined || Number(cap) === 0) continue;
    fractions[n++] = Math.min(1, Number(requested[i]!) / Number(cap));
  }
  let std = 0;
  if (n === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (n > 2) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += fractions[i]!;
    const mean = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (fractions[i]! - mean) ** 2;
    std = Math.sqrt(sq / n);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const balanced: Scorer = Object.assign(
  (requested: bigint[], allocatable: bigint[]) => balancedOf(requested, allocatable),
  { numeric: (requested: number[], allocatable: number[]) => balancedOf(requested, allocatable) },
);

import { z } from "zod";
import { cycleRequests } from "../framework/pod-requests.js";
import { type NodeInfo, type Plugin, success, unschedulable } from "../framework/types.js";
import {
  DEFAULT_RESOURCES,
  leastAllocated,
  mostAllocated,
  requestedToCapacityRatio,
  type ScoredRequest,
  type Scorer,
  scoredRequest,
  scoreResources,
} from "./resource-allocation.js";

/**
 * NodeResourcesFit. Filter: the pod's requests (see pod-requests.ts) must fit in allocatable minus
 * what the node's pods already request, for cpu, memory, ephemeral-storage, every extended resource
 * such as nvidia.com/gpu, and one slot of `pods`; never over-committed. Score: the configured
 * strategy, LeastAllocated (spread, the default), MostAllocated (bin-pack) or
 * RequestedToCapacityRatio, over weighted resources.
 */
export const NODE_RESOURCES_FIT = "NodeResourcesFit";
const PRE_FILTER_KEY = "PreFilterNodeResourcesFit";
const PRE_SCORE_KEY = "PreScoreNodeResourcesFit";

export const ResourceSpecSchema = z.strictObject({
  name: z.string().min(1),
  weight: z.number().int().min(1).max(100).default(1),
});

const ShapePointSchema = z.strictObject({
  utilization: z.number().int().min(0).max(100),
  score: z.number().int().min(0).max(10),
});

export const NodeResourcesFitArgsSchema = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.literal("NodeResourcesFitArgs").optional(),
  ignoredResources: z.array(z.string()).default([]),
  ignoredResourceGroups: z.array(z.string()).default([]),
  scoringStrategy: z
    .strictObject({
      type: z.enum(["LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"]).default("LeastAllocated"),
      resources: z.array(ResourceSpecSchema).min(1).optional(),
      requestedToCapacityRatio: z
        .strictObject({
          shape: z
            .array(ShapePointSchema)
            .min(1)
            .refine((s) => s.every((p, i) => i === 0 || p.utilization > s[i - 1]!.utilization), {
              message: "utilization values must be sorted in increasing order",
            }),
        })
        .optional(),
    })
    .refine((s) => s.type !== "RequestedToCapacityRatio" || s.requestedToCapacityRatio, {
      message: "requestedToCapacityRatio.shape is required for type RequestedToCapacityRatio",
      path: ["requestedToCapacityRatio"],
    })
    .default({ type: "LeastAllocated" }),
});
export type NodeResourcesFitArgs = z.input<typeof NodeResourcesFitArgsSchema>;

// Resources NodeInfo tracks natively; every other name is a scalar (extended) resource.
const ORDERED = ["cpu", "memory", "ephemeral-storage"];

const isExtended = (name: string): boolean => name.includes("/") && !name.startsWith("kubernetes.io/");

/** The reasons, in Kubernetes' order, why `request` does not fit on the node; empty when it fits. */
export function insufficientResources(
  request: Readonly<Record<string, bigint>>,
  node: NodeInfo,
  ignored: { resources?: ReadonlySet<string>; groups?: ReadonlySet<string> } = {},
): string[] {
  const reasons: string[] = [];
  if (BigInt(node.pods.length) + 1n > (node.allocatable.pods ?? 0n)) reasons.push("Too many pods");
  const free = (name: string) => (node.allocatable[name] ?? 0n) - (node.requested[name] ?? 0n);
  for (const name of ORDERED) {
    const want = request[name] ?? 0n;
    if (want > 0n && want > free(name)) reasons.push(`Insufficient ${name}`);
  }
  const scalars = Object.keys(request)
    .filter((n) => !ORDERED.includes(n) && n !== "pods")
    .sort();
  for (const name of scalars) {
    const want = request[name] ?? 0n;
    if (want === 0n) continue;
    if (isExtended(name) && (ignored.resources?.has(name) || ignored.groups?.has(name.split("/")[0]!)))
      continue;
    if (want > free(name)) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

type Ignored = { resources?: ReadonlySet<string>; groups?: ReadonlySet<string> };

/**
 * What Filter checks, worked out once per pod in PreFilter (kube-scheduler's preFilterState): the
 * resources the pod asks a nonzero amount of and that are not ignored, in the order
 * `insufficientResources` reports them.
 */
interface FitState {
  request: Readonly<Record<string, bigint>>;
  names: string[];
  wants: bigint[];
  /** `wants` as numbers, NaN where a number would not be exact (then the bigint compare runs). */
  wantNumbers: number[];
}

/** Below 2^52, the sum of two numbers is still exact (bigint sums allocate; Filter runs per node). */
const EXACT = 2 ** 52;

function fitState(request: Readonly<Record<string, bigint>>, ignored: Ignored): FitState {
  const names: string[] = [];
  const wants: bigint[] = [];
  for (const name of ORDERED) {
    const want = request[name] ?? 0n;
    if (want > 0n) {
      names.push(name);
      wants.push(want);
    }
  }
  for (const name of Object.keys(request)) {
    if (ORDERED.includes(name) || name === "pods") continue;
    const want = request[name] ?? 0n;
    if (want === 0n) continue;
    if (isExtended(name) && (ignored.resources?.has(name) || ignored.groups?.has(name.split("/")[0]!)))
      continue;
    names.push(name);
    wants.push(want);
  }
  const wantNumbers = wants.map((w) => {
    const n = Number(w);
    return n < EXACT && n > -EXACT ? n : Number.NaN;
  });
  return { request, names, wants, wantNumbers };
}

/** Whether the pod fits, without building any message: the common case, per node. */
function fits(s: FitState, node: NodeInfo): boolean {
  const numbers = node.numbers;
  if (!numbers) return fitsBig(s, node);
  // A pod count is far below 2^53: the number is exact.
  if (node.pods.length >= (numbers.allocatable.pods ?? 0)) return false;
  for (let i = 0; i < s.names.length; i++) {
    const name = s.names[i]!;
    const w = s.wantNumbers[i]!;
    const u = numbers.requested[name] ?? 0;
    if (u < EXACT && u > -EXACT && !Number.isNaN(w)) {
      // Exact: the sum is below 2^53, and rounding a larger allocatable keeps it larger.
      if (w + u > (numbers.allocatable[name] ?? 0)) return false;
    } else if (!fitsOne(s, i, node)) return false;
  }
  return true;
}

/** `fits` in bigints, for a NodeInfo built without numbers. */
function fitsBig(s: FitState, node: NodeInfo): boolean {
  if (BigInt(node.pods.length) >= (node.allocatable.pods ?? 0n)) return false;
  for (let i = 0; i < s.names.length; i++) if (!fitsOne(s, i, node)) return false;
  return true;
}

function fitsOne(s: FitState, i: number, node: NodeInfo): boolean {
  const name = s.names[i]!;
  const used = node.requested[name];
  const want = s.wants[i]!;
  return (used === undefined ? want : want + used) <= (node.allocatable[name] ?? 0n);
}

export function nodeResourcesFit(rawArgs: unknown = {}): Plugin {
  const args = NodeResourcesFitArgsSchema.parse(rawArgs);
  const strategy = args.scoringStrategy;
  const resources = strategy.resources ?? DEFAULT_RESOURCES;
  let scorer: Scorer;
  if (strategy.type === "MostAllocated") scorer = mostAllocated(resources);
  else if (strategy.type === "RequestedToCapacityRatio")
    scorer = requestedToCapacityRatio(resources, strategy.requestedToCapacityRatio?.shape ?? []);
  else scorer = leastAllocated(resources);
  const ignored = { resources: new Set(args.ignoredResources), groups: new Set(args.ignoredResourceGroups) };

  return {
    name: NODE_RESOURCES_FIT,
    preFilter(state, pod) {
      state.set(PRE_FILTER_KEY, fitState(cycleRequests(state, pod), ignored));
      return success();
    },
    filter(state, pod, node) {
      let s = state.get(PRE_FILTER_KEY) as FitState | undefined;
      if (!s) {
        s = fitState(cycleRequests(state, pod), ignored);
        state.set(PRE_FILTER_KEY, s);
      }
      if (fits(s, node)) return success();
      // Only a node that does not fit pays for the reasons, worded as before.
      return unschedulable(...insufficientResources(s.request, node, ignored));
    },
    preScore(state, pod) {
      state.set(PRE_SCORE_KEY, scoredRequest(pod, resources, false, state));
      return success();
    },
    score(state, pod, node) {
      const request =
        (state.get(PRE_SCORE_KEY) as ScoredRequest | undefined) ??
        scoredRequest(pod, resources, false, state);
      return scoreResources(node, resources, request, scorer);
    },
  };
}

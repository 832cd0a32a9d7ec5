import type { Node, Pod } from "@minik8s/api";
import type { ImageState } from "./image-states.js";

/**
 * The scheduling framework's contracts, after kube-scheduler's: a pod goes through PreFilter,
 * Filter (per node), PreScore, Score (per node) and NormalizeScore, then Reserve and Bind. A plugin
 * implements the extension points it cares about; each is a small function you can test without a
 * cluster.
 */

/** Kubernetes' framework.Code: why a plugin said no, and whether anything could change that. */
export type Code = "Success" | "Unschedulable" | "UnschedulableAndUnresolvable" | "Error" | "Skip";

export interface Status {
  code: Code;
  /** Kubernetes' words, e.g. "Insufficient nvidia.com/gpu", "node(s) had untolerated taint {…}". */
  reasons: string[];
  /** The plugin that said it. */
  plugin?: string;
}

// One shared, frozen Success: Filter and Score run per node, and a fresh object per call is pure GC.
const SUCCESS: Status = Object.freeze({ code: "Success", reasons: Object.freeze([]) as unknown as string[] });
export const success = (): Status => SUCCESS;
export const unschedulable = (...reasons: string[]): Status => ({ code: "Unschedulable", reasons });
export const unresolvable = (...reasons: string[]): Status => ({
  code: "UnschedulableAndUnresolvable",
  reasons,
});
/** PreFilter/PreScore saying "nothing for me to do for this pod": the framework then skips the plugin's Filter/Score. */
export const skip = (): Status => ({ code: "Skip", reasons: [] });
export const errorStatus = (...reasons: string[]): Status => ({ code: "Error", reasons });
export const isSuccess = (s: Status): boolean => s.code === "Success";

/** What the scheduler's cache knows about one node: the Node and the pods on it (bound or assumed). */
export interface NodeInfo {
  node: Node;
  pods: Pod[];
  /** Sum of the requests of `pods`, as resource name → quantity in the smallest unit (milli for cpu). */
  requested: Record<string, bigint>;
  /** The node's allocatable in the same units. */
  allocatable: Record<string, bigint>;
  /** host ports in use: "TCP/0.0.0.0/8080" */
  usedPorts: Set<string>;
  /** Image names present on the node (from node.status.images). */
  images: Set<string>;
  /**
   * `requested` with Kubernetes' non-zero defaults (100m cpu, 200Mi memory) for containers that
   * request none: what the resource scores use so best-effort pods still spread. Absent: `requested`.
   */
  nonZeroRequested?: Record<string, bigint>;
  /**
   * The same three as numbers, kept beside them by node-info.ts. Filter and Score read them for
   * every node of every cycle, and converting a bigint costs more than the arithmetic; a number is
   * used only where it is exact (below 2^53), else the bigint is. Absent on hand-built NodeInfos.
   */
  numbers?: NodeNumbers;
}

export interface NodeNumbers {
  allocatable: Record<string, number>;
  requested: Record<string, number>;
  nonZeroRequested: Record<string, number>;
}

/** Per-scheduling-cycle scratch space, as kube-scheduler's CycleState: PreFilter/PreScore write, others read. */
export type CycleState = Map<string, unknown>;

/** A read-only view of every node, for plugins that look across nodes (topology spread). */
export interface Snapshot {
  nodes(): NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  /** An image's size and how many nodes hold it (by any of its names), for ImageLocality. */
  imageState(name: string): ImageState | undefined;
}

/** Extension points as KubeSchedulerConfiguration names them. */
export const EXTENSION_POINTS = [
  "preEnqueue",
  "queueSort",
  "preFilter",
  "filter",
  "postFilter",
  "preScore",
  "score",
  "reserve",
  "permit",
  "preBind",
  "bind",
  "postBind",
] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

export interface Plugin {
  readonly name: string;
  /**
   * Extension points this plugin serves outside the framework's methods (the queue's PrioritySort,
   * the binder's DefaultBinder), so a profile can enable and disable them by name.
   */
  readonly points?: readonly ExtensionPoint[];
  preFilter?(state: CycleState, pod: Pod, snapshot: Snapshot): Status;
  filter?(state: CycleState, pod: Pod, node: NodeInfo): Status;
  preScore?(state: CycleState, pod: Pod, nodes: NodeInfo[], snapshot: Snapshot): Status;
  /** 0..100 (MaxNodeScore); higher is better. */
  score?(state: CycleState, pod: Pod, node: NodeInfo): number;
  /** Rescale this plugin's raw scores to 0..100 in place. */
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScoreList): void;
  /** The pod is assumed on `nodeName`; a plugin with per-node bookkeeping records it here. */
  reserve?(state: CycleState, pod: Pod, nodeName: string): Status;
  /** Undo `reserve` after a later failure (binding refused); must be idempotent. */
  unreserve?(state: CycleState, pod: Pod, nodeName: string): void;
}

export const MAX_NODE_SCORE = 100;

/** One plugin's score for each feasible node, as NormalizeScore sees them (Kubernetes' NodeScoreList). */
export type NodeScoreList = { name: string; score: number }[];

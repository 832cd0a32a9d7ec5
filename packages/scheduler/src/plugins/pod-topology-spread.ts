import type { Node, Pod, TopologySpreadConstraint } from "@minik8s/api";
import { TopologySpreadConstraint as TopologySpreadConstraintSchema } from "@minik8s/api";
import { labelSelectorFromObject } from "@minik8s/api/label-selector";
import { z } from "zod";
import { podMatchesNodeSelectorAndAffinity } from "../framework/node-selector.js";
import { firstUntoleratedTaint } from "../framework/taints.js";
import {
  MAX_NODE_SCORE,
  type NodeInfo,
  type Plugin,
  type Snapshot,
  skip,
  success,
  unresolvable,
  unschedulable,
} from "../framework/types.js";

/**
 * PodTopologySpread spreads pods that match a selector across topology domains (nodes, zones).
 * Filter: DoNotSchedule constraints, skew = pods in this domain (+1 if the pod matches itself) minus
 * the least-loaded domain, must stay within maxSkew. Score: ScheduleAnyway constraints, fewer
 * matching pods in the node's domains is better.
 *
 * A pod without constraints gets the defaults: Kubernetes' system defaults (hostname maxSkew 3, zone
 * maxSkew 5, ScheduleAnyway) select the pods of the same Services, ReplicaSets and StatefulSets; we
 * select the pods of the same controller (ownerReference with controller: true), which is what
 * spreads a Deployment's replicas across nodes. A node without a kubernetes.io/hostname label is
 * its own hostname domain.
 */
export const POD_TOPOLOGY_SPREAD = "PodTopologySpread";
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;
const PRE_FILTER_KEY = "PreFilterPodTopologySpread";
const PRE_SCORE_KEY = "PreScorePodTopologySpread";

export const HOSTNAME_LABEL = "kubernetes.io/hostname";
export const ZONE_LABEL = "topology.kubernetes.io/zone";

const DefaultConstraintSchema = TopologySpreadConstraintSchema.omit({ labelSelector: true });

export const PodTopologySpreadArgsSchema = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.literal("PodTopologySpreadArgs").optional(),
  defaultConstraints: z.array(DefaultConstraintSchema).default([]),
  defaultingType: z.enum(["System", "List"]).default("System"),
});
export type PodTopologySpreadArgs = z.input<typeof PodTopologySpreadArgsSchema>;

type Policy = "Honor" | "Ignore";
type When = "DoNotSchedule" | "ScheduleAnyway";

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: When;
  minDomains: number;
  nodeAffinityPolicy: Policy;
  nodeTaintsPolicy: Policy;
  selects: (p: Pod) => boolean;
}

const SYSTEM_DEFAULTS: Omit<TopologySpreadConstraint, "labelSelector">[] = [
  { topologyKey: HOSTNAME_LABEL, whenUnsatisfiable: "ScheduleAnyway", maxSkew: 3 },
  { topologyKey: ZONE_LABEL, whenUnsatisfiable: "ScheduleAnyway", maxSkew: 5 },
];

export function topologyValue(node: Node, key: string): string | undefined {
  const labels = node.metadata.labels ?? {};
  if (Object.hasOwn(labels, key)) return labels[key];
  return key === HOSTNAME_LABEL ? node.metadata.name : undefined;
}

const controllerUid = (p: Pod): string | undefined =>
  p.metadata.ownerReferences?.find((o) => o.controller)?.uid;

function toConstraint(
  c: Omit<TopologySpreadConstraint, "labelSelector">,
  selects: (p: Pod) => boolean,
): Constraint {
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    whenUnsatisfiable: c.whenUnsatisfiable,
    minDomains: c.minDomains ?? 1,
    nodeAffinityPolicy: c.nodeAffinityPolicy ?? "Honor",
    nodeTaintsPolicy: c.nodeTaintsPolicy ?? "Ignore",
    selects,
  };
}

function ownSelector(c: TopologySpreadConstraint, pod: Pod): (p: Pod) => boolean {
  const labels = pod.metadata.labels ?? {};
  const keys = (c.matchLabelKeys ?? []).filter((k) => Object.hasOwn(labels, k));
  if (!c.labelSelector && keys.length === 0) return () => false;
  const matcher = labelSelectorFromObject({
    matchLabels: c.labelSelector?.matchLabels,
    matchExpressions: [
      ...(c.labelSelector?.matchExpressions ?? []),
      ...keys.map((key) => ({ key, operator: "In", values: [labels[key]!] })),
    ],
  });
  return (p) => matcher.matches(p.metadata.labels);
}

function constraintsFor(
  pod: Pod,
  when: When,
  args: z.output<typeof PodTopologySpreadArgsSchema>,
): Constraint[] {
  const own = pod.spec.topologySpreadConstraints ?? [];
  if (own.length > 0) {
    return own.filter((c) => c.whenUnsatisfiable === when).map((c) => toConstraint(c, ownSelector(c, pod)));
  }
  const uid = controllerUid(pod);
  if (!uid) return [];
  const defaults = args.defaultingType === "System" ? SYSTEM_DEFAULTS : args.defaultConstraints;
  const selects = (p: Pod) => controllerUid(p) === uid;
  return defaults.filter((c) => c.whenUnsatisfiable === when).map((c) => toConstraint(c, selects));
}

const hasAllKeys = (node: Node, cs: readonly Constraint[]) =>
  cs.every((c) => topologyValue(node, c.topologyKey) !== undefined);

function included(c: Constraint, pod: Pod, node: Node): boolean {
  if (c.nodeAffinityPolicy === "Honor" && !podMatchesNodeSelectorAndAffinity(pod, node)) return false;
  if (c.nodeTaintsPolicy === "Honor" && firstUntoleratedTaint(node.spec?.taints, pod.spec.tolerations))
    return false;
  return true;
}

function countMatching(info: NodeInfo, c: Constraint, namespace: string): number {
  let n = 0;
  for (const p of info.pods) {
    if ((p.metadata.namespace ?? "") !== namespace || p.metadata.deletionTimestamp) continue;
    if (c.selects(p)) n++;
  }
  return n;
}

interface FilterState {
  constraints: Constraint[];
  /** per constraint: domain value → matching pods */
  counts: Map<string, number>[];
}

function buildFilterState(pod: Pod, constraints: Constraint[], snapshot: Snapshot): FilterState {
  const counts = constraints.map(() => new Map<string, number>());
  const ns = pod.metadata.namespace ?? "";
  for (const info of snapshot.nodes()) {
    if (!hasAllKeys(info.node, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!included(c, pod, info.node)) return;
      const value = topologyValue(info.node, c.topologyKey)!;
      counts[i]!.set(value, (counts[i]!.get(value) ?? 0) + countMatching(info, c, ns));
    });
  }
  return { constraints, counts };
}

interface ScoreState {
  constraints: Constraint[];
  ignored: Set<string>;
  /** per constraint (not hostname): domain value → matching pods; hostname counts are per node */
  counts: Map<string, number>[];
  weights: number[];
}

function buildScoreState(
  pod: Pod,
  constraints: Constraint[],
  feasible: NodeInfo[],
  all: NodeInfo[],
  requireAll: boolean,
) {
  const s: ScoreState = {
    constraints,
    ignored: new Set(),
    counts: constraints.map(() => new Map()),
    weights: [],
  };
  for (const info of feasible) {
    if (requireAll && !hasAllKeys(info.node, constraints)) {
      s.ignored.add(info.node.metadata.name ?? "");
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === HOSTNAME_LABEL) return;
      s.counts[i]!.set(topologyValue(info.node, c.topologyKey) ?? "", 0);
    });
  }
  const ns = pod.metadata.namespace ?? "";
  for (const info of all) {
    if (requireAll && !hasAllKeys(info.node, constraints)) continue;
    constraints.forEach((c, i) => {
      if (c.topologyKey === HOSTNAME_LABEL || !included(c, pod, info.node)) return;
      const value = topologyValue(info.node, c.topologyKey) ?? "";
      const have = s.counts[i]!.get(value);
      if (have !== undefined) s.counts[i]!.set(value, have + countMatching(info, c, ns));
    });
  }
  s.weights = constraints.map((c, i) => {
    const size = c.topologyKey === HOSTNAME_LABEL ? feasible.length - s.ignored.size : s.counts[i]!.size;
    return Math.log(size + 2);
  });
  return s;
}

export function podTopologySpread(rawArgs: unknown = {}): Plugin {
  const args = PodTopologySpreadArgsSchema.parse(rawArgs);
  const systemDefaulted = args.defaultingType === "System";
  return {
    name: POD_TOPOLOGY_SPREAD,
    preFilter(state, pod, snapshot) {
      const constraints = constraintsFor(pod, "DoNotSchedule", args);
      if (constraints.length === 0) return skip();
      state.set(PRE_FILTER_KEY, buildFilterState(pod, constraints, snapshot));
      return success();
    },
    filter(state, pod, node) {
      const s = state.get(PRE_FILTER_KEY) as FilterState | undefined;
      if (!s) return success();
      for (const [i, c] of s.constraints.entries()) {
        const value = topologyValue(node.node, c.topologyKey);
        if (value === undefined) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
        const counts = s.counts[i]!;
        const min = counts.size < c.minDomains || counts.size === 0 ? 0 : Math.min(...counts.values());
        const self = c.selects(pod) ? 1 : 0;
        if ((counts.get(value) ?? 0) + self - min > c.maxSkew)
          return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
      }
      return success();
    },
    preScore(state, pod, nodes, snapshot) {
      if (nodes.length === 0) return skip();
      const constraints = constraintsFor(pod, "ScheduleAnyway", args);
      if (constraints.length === 0) return skip();
      // Only the system defaults tolerate nodes missing a key (a node without a zone still spreads by host).
      const requireAll = (pod.spec.topologySpreadConstraints ?? []).length > 0 || !systemDefaulted;
      state.set(PRE_SCORE_KEY, buildScoreState(pod, constraints, nodes, snapshot.nodes(), requireAll));
      return success();
    },
    score(state, pod, node) {
      const s = state.get(PRE_SCORE_KEY) as ScoreState | undefined;
      if (!s || s.ignored.has(node.node.metadata.name ?? "")) return 0;
      let score = 0;
      s.constraints.forEach((c, i) => {
        const value = topologyValue(node.node, c.topologyKey);
        if (value === undefined) return;
        const count =
          c.topologyKey === HOSTNAME_LABEL
            ? countMatching(node, c, pod.metadata.namespace ?? "")
            : (s.counts[i]!.get(value) ?? 0);
        score += count * s.weights[i]! + (c.maxSkew - 1);
      });
      return Math.round(score);
    },
    normalizeScore(state, _pod, scores) {
      const s = state.get(PRE_SCORE_KEY) as ScoreState | undefined;
      if (!s) return;
      let min = Number.POSITIVE_INFINITY;
      let max = 0;
      for (const { name, score } of scores) {
        if (s.ignored.has(name)) continue;
        min = Math.min(min, score);
        max = Math.max(max, score);
      }
      for (const entry of scores) {
        if (s.ignored.has(entry.name)) entry.score = 0;
        else if (max === 0) entry.score = MAX_NODE_SCORE;
        else entry.score = Math.trunc((MAX_NODE_SCORE * (max + min - entry.score)) / max);
      }
    },
  };
}

import type { Pod } from "@minik8s/api";
import { defaultRegistry, type Registry } from "../plugins/registry.js";
import { explainDecision } from "./explain.js";
import { failureMessage, statusMessage } from "./failure-message.js";
import {
  type CycleState,
  EXTENSION_POINTS,
  type ExtensionPoint,
  errorStatus,
  MAX_NODE_SCORE,
  type NodeInfo,
  type NodeScoreList,
  type Plugin,
  type Snapshot,
  type Status,
  success,
} from "./types.js";

/**
 * One scheduling profile's plugins, run in kube-scheduler's order: PreFilter once, Filter per node
 * (the first plugin to say no decides), PreScore once over the feasible nodes, Score per node,
 * NormalizeScore per plugin, then weights. A PreFilter or PreScore answering Skip turns that
 * plugin's Filter or Score off for the cycle.
 *
 * Where we differ: a plugin's PreFilter runs whenever its Filter does, and its PreScore whenever its
 * Score does (kube-scheduler configures them apart, which only lets a configuration break a plugin);
 * scores a plugin leaves outside 0..100 are clamped rather than failing the cycle.
 */

export interface PluginRef {
  name: string;
  weight?: number;
}

export interface PluginSetRefs {
  enabled?: readonly PluginRef[];
  disabled?: readonly string[];
}

/** A profile with the default plugins already merged in (see config.ts). */
export interface FrameworkProfile {
  schedulerName: string;
  percentageOfNodesToScore?: number;
  plugins: Partial<Record<ExtensionPoint | "multiPoint", PluginSetRefs>>;
  /** plugin name → args */
  pluginConfig?: Readonly<Record<string, unknown>>;
}

export interface FrameworkOptions {
  registry?: Registry;
  /** Uniform in [0, 1): breaks ties between best nodes. Tests inject a fixed one. */
  random?: () => number;
}

export interface FeasibleResult {
  feasible: NodeInfo[];
  /** Every node filtered out, with the status of the plugin that rejected it. */
  diagnosis: Map<string, Status>;
  /** Set when a PreFilter plugin rejected the pod outright; every node then carries its status. */
  preFilterStatus?: Status;
  /** Set when a plugin failed (code Error): the cycle is aborted, not the pod found unschedulable. */
  error?: Status;
  state: CycleState;
}

export interface NodeScore {
  node: string;
  total: number;
  /**
   * Weighted score of each score plugin; they add up to `total`. Only when asked for (explaining a
   * decision): a cycle scores hundreds of nodes, and this is an object for each.
   */
  perPlugin?: Record<string, number>;
}

export interface ScoreOptions {
  /** Fill in `perPlugin` for each node. */
  breakdown?: boolean;
}

export interface ScheduleResult extends FeasibleResult {
  /** The chosen node, absent when none fits. */
  node?: string;
  /** Every feasible node's score, with `{ breakdown: true }` only (explanations); else empty. */
  scores: NodeScore[];
  /** The FailedScheduling message when no node fits. */
  message?: string;
}

interface ScorePlugin {
  plugin: Plugin;
  weight: number;
}

// The plugins left after PreFilter/PreScore skips, resolved once per cycle so the per-node loops
// run a plain array instead of a Set lookup per plugin per node (kube-scheduler's skipFilterPlugins).
const ACTIVE_FILTERS = "framework/activeFilters";
const ACTIVE_SCORERS = "framework/activeScorers";
const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

export class FrameworkBuildError extends Error {
  override name = "FrameworkBuildError";
}

const METHOD_POINTS: Partial<Record<ExtensionPoint, keyof Plugin>> = {
  preFilter: "preFilter",
  filter: "filter",
  preScore: "preScore",
  score: "score",
  reserve: "reserve",
};

function implementsPoint(p: Plugin, point: ExtensionPoint): boolean {
  const method = METHOD_POINTS[point];
  if (method && typeof p[method] === "function") return true;
  return p.points?.includes(point) ?? false;
}

function withStatusPlugin(s: Status, plugin: string): Status {
  return { ...s, plugin };
}

function caught(plugin: string, point: string, err: unknown): Status {
  const msg = err instanceof Error ? err.message : String(err);
  return { ...errorStatus(`running ${point} plugin "${plugin}": ${msg}`), plugin };
}

export class Framework {
  readonly schedulerName: string;
  private readonly preFilters: Plugin[];
  private readonly filters: Plugin[];
  private readonly preScores: Plugin[];
  private readonly scorers: ScorePlugin[];
  private readonly reservers: Plugin[];
  private readonly byPoint: Map<ExtensionPoint, string[]>;
  private readonly random: () => number;
  private readonly percentageOfNodesToScore: number;
  private nextStartNodeIndex = 0;
  /** Scratch space of scoreNodes, kept between cycles. */
  private readonly rawScores: number[] = [];
  private readonly totals: number[] = [];
  private readonly normalizeList: NodeScoreList = [];

  constructor(
    schedulerName: string,
    points: Map<ExtensionPoint, Plugin[]>,
    weights: ReadonlyMap<string, number>,
    opts: FrameworkOptions & { percentageOfNodesToScore?: number } = {},
  ) {
    this.schedulerName = schedulerName;
    const at = (p: ExtensionPoint) => points.get(p) ?? [];
    this.filters = at("filter");
    this.preFilters = unionInOrder(
      at("preFilter"),
      this.filters.filter((p) => p.preFilter),
    );
    this.scorers = at("score").map((plugin) => ({ plugin, weight: weights.get(plugin.name) ?? 1 }));
    this.preScores = unionInOrder(
      at("preScore"),
      this.scorers.map((s) => s.plugin).filter((p) => p.preScore),
    );
    this.reservers = at("reserve");
    this.byPoint = new Map([...points].map(([k, v]) => [k, v.map((p) => p.name)]));
    this.byPoint.set(
      "preFilter",
      this.preFilters.map((p) => p.name),
    );
    this.byPoint.set(
      "preScore",
      this.preScores.map((p) => p.name),
    );
    this.random = opts.random ?? Math.random;
    this.percentageOfNodesToScore = opts.percentageOfNodesToScore ?? 0;
  }

  /** Builds the plugins of a profile, expanding multiPoint as kube-scheduler does. */
  static fromProfile(profile: FrameworkProfile, opts: FrameworkOptions = {}): Framework {
    const registry = opts.registry ?? defaultRegistry;
    const instances = new Map<string, Plugin>();
    const instance = (name: string): Plugin => {
      let p = instances.get(name);
      if (p) return p;
      const reg = registry.get(name);
      if (!reg) throw new FrameworkBuildError(`plugin "${name}" does not exist`);
      try {
        p = reg.create(profile.pluginConfig?.[name]);
      } catch (err) {
        throw new FrameworkBuildError(
          `plugin "${name}": ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      instances.set(name, p);
      return p;
    };

    const multi = profile.plugins.multiPoint?.enabled ?? [];
    const weights = new Map<string, number>();
    for (const ref of multi) weights.set(ref.name, ref.weight || 1);
    for (const ref of profile.plugins.score?.enabled ?? []) weights.set(ref.name, ref.weight || 1);

    const points = new Map<ExtensionPoint, Plugin[]>();
    for (const point of EXTENSION_POINTS) {
      const set = profile.plugins[point] ?? {};
      const specific: string[] = [];
      for (const ref of set.enabled ?? []) {
        const p = instance(ref.name);
        if (!implementsPoint(p, point))
          throw new FrameworkBuildError(`plugin "${ref.name}" does not extend ${point}`);
        if (specific.includes(ref.name))
          throw new FrameworkBuildError(`plugin "${ref.name}" already registered as ${point}`);
        specific.push(ref.name);
      }
      const disabled = new Set(set.disabled ?? []);
      const overrides: string[] = [];
      const fromMulti: string[] = [];
      if (!disabled.has("*")) {
        for (const ref of multi) {
          const p = instance(ref.name);
          if (!implementsPoint(p, point) || disabled.has(ref.name)) continue;
          if (specific.includes(ref.name)) {
            overrides.push(ref.name);
            continue;
          }
          if (fromMulti.includes(ref.name))
            throw new FrameworkBuildError(`plugin "${ref.name}" already registered as ${point}`);
          fromMulti.push(ref.name);
        }
      }
      // kube-scheduler's order: specific entries that override a multiPoint one, then multiPoint, then the rest.
      const ordered = [
        ...specific.filter((n) => overrides.includes(n)),
        ...fromMulti,
        ...specific.filter((n) => !overrides.includes(n)),
      ];
      points.set(point, ordered.map(instance));
    }
    return new Framework(profile.schedulerName, points, weights, {
      ...opts,
      percentageOfNodesToScore: profile.percentageOfNodesToScore,
    });
  }

  /** The plugin names enabled at an extension point, in the order they run. */
  pluginNames(point: ExtensionPoint): string[] {
    return [...(this.byPoint.get(point) ?? [])];
  }

  /** Score plugin name → weight. */
  scoreWeights(): Record<string, number> {
    return Object.fromEntries(this.scorers.map((s) => [s.plugin.name, s.weight]));
  }

  runPreFilter(state: CycleState, pod: Pod, snapshot: Snapshot): Status {
    const skipped = new Set<string>();
    for (const p of this.preFilters) {
      let s: Status;
      try {
        s = p.preFilter!(state, pod, snapshot);
      } catch (err) {
        return caught(p.name, "PreFilter", err);
      }
      if (s.code === "Skip") skipped.add(p.name);
      else if (s.code !== "Success") return withStatusPlugin(s, p.name);
    }
    state.set(
      ACTIVE_FILTERS,
      skipped.size === 0 ? this.filters : this.filters.filter((p) => !skipped.has(p.name)),
    );
    return success();
  }

  /** The first failing filter's status, with its plugin name; Success when every filter passes. */
  runFilter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const filters = (state.get(ACTIVE_FILTERS) as Plugin[] | undefined) ?? this.filters;
    return filterNode(filters, state, pod, nodeInfo);
  }

  runPreScore(state: CycleState, pod: Pod, nodes: NodeInfo[], snapshot: Snapshot): Status {
    const skipped = new Set<string>();
    for (const p of this.preScores) {
      let s: Status;
      try {
        s = p.preScore!(state, pod, nodes, snapshot);
      } catch (err) {
        return caught(p.name, "PreScore", err);
      }
      if (s.code === "Skip") skipped.add(p.name);
      else if (s.code !== "Success") return withStatusPlugin(s, p.name);
    }
    state.set(
      ACTIVE_SCORERS,
      skipped.size === 0 ? this.scorers : this.scorers.filter((s) => !skipped.has(s.plugin.name)),
    );
    return success();
  }

  /**
   * Kubernetes' numFeasibleNodesToFind: every node below 100 nodes, else a percentage (adaptive
   * when 0: 50% minus 1% per 125 nodes, at least 5%), never fewer than 100.
   */
  numFeasibleNodesToFind(numAllNodes: number): number {
    if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
    let pct = this.percentageOfNodesToScore;
    if (!pct) pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.trunc(numAllNodes / 125));
    if (pct >= 100) return numAllNodes;
    return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.trunc((numAllNodes * pct) / 100));
  }

  /** PreFilter, then Filter over the nodes, starting where the previous cycle stopped, as Kubernetes. */
  findFeasible(pod: Pod, snapshot: Snapshot, state: CycleState = new Map()): FeasibleResult {
    const all = snapshot.nodes();
    const diagnosis = new Map<string, Status>();
    const pre = this.runPreFilter(state, pod, snapshot);
    if (pre.code === "Error") return { feasible: [], diagnosis, error: pre, state };
    if (pre.code !== "Success") {
      for (const n of all) diagnosis.set(n.node.metadata.name ?? "", pre);
      return { feasible: [], diagnosis, preFilterStatus: pre, state };
    }
    const feasible: NodeInfo[] = [];
    const filters = (state.get(ACTIVE_FILTERS) as Plugin[] | undefined) ?? this.filters;
    const want = this.numFeasibleNodesToFind(all.length);
    const start = all.length === 0 ? 0 : this.nextStartNodeIndex % all.length;
    let processed = 0;
    for (; processed < all.length && feasible.length < want; processed++) {
      let i = start + processed;
      if (i >= all.length) i -= all.length;
      const info = all[i]!;
      const s = filterNode(filters, state, pod, info);
      if (s.code === "Success") feasible.push(info);
      else if (s.code === "Error") return { feasible: [], diagnosis, error: s, state };
      else diagnosis.set(info.node.metadata.name ?? "", s);
    }
    if (all.length > 0) this.nextStartNodeIndex = (start + processed) % all.length;
    return { feasible, diagnosis, state };
  }

  /**
   * PreScore, Score, NormalizeScore, then each plugin's score times its weight (Kubernetes applies
   * weights after normalizing). Throws on a plugin error. Only the feasible nodes are scored. A
   * cycle scores hundreds of nodes with each plugin, so the arrays it works in are kept from one
   * cycle to the next (scoring is synchronous and no plugin keeps them).
   */
  scoreNodes(
    pod: Pod,
    feasible: NodeInfo[],
    snapshot: Snapshot,
    state: CycleState = new Map(),
    opts: ScoreOptions = {},
  ): NodeScore[] {
    const n = feasible.length;
    const weighted: number[][] | undefined = opts.breakdown ? [] : undefined;
    const totals = this.scoreTotals(pod, feasible, snapshot, state, weighted);
    const scorers = state.get(ACTIVE_SCORERS) as ScorePlugin[];
    const result: NodeScore[] = new Array(n);
    for (let i = 0; i < n; i++) {
      result[i] = { node: feasible[i]!.node.metadata.name ?? "", total: totals[i]! };
      if (!weighted) continue;
      const perPlugin: Record<string, number> = {};
      for (let j = 0; j < scorers.length; j++) perPlugin[scorers[j]!.plugin.name] = weighted[j]![i]!;
      result[i]!.perPlugin = perPlugin;
    }
    return result;
  }

  /**
   * PreScore, then each feasible node's weighted total, in `feasible`'s order. The array is reused
   * by the next cycle: a scheduling cycle reads it before it ends. With `weighted`, each plugin's
   * weighted scores are pushed onto it, for explanations.
   */
  private scoreTotals(
    pod: Pod,
    feasible: NodeInfo[],
    snapshot: Snapshot,
    state: CycleState,
    weighted?: number[][],
  ): number[] {
    const n = feasible.length;
    const pre = this.runPreScore(state, pod, feasible, snapshot);
    if (pre.code !== "Success") throw new Error(`PreScore ${pre.plugin}: ${statusMessage(pre)}`);
    const scorers = state.get(ACTIVE_SCORERS) as ScorePlugin[];
    const totals = this.totals;
    totals.length = n;
    totals.fill(0);
    const raw = this.rawScores;
    raw.length = n;
    // kube-scheduler's NodeScoreList, for the plugins that normalize: refilled for each of them.
    let list: NodeScoreList | undefined;
    for (const { plugin, weight } of scorers) {
      for (let i = 0; i < n; i++) raw[i] = plugin.score!(state, pod, feasible[i]!);
      if (plugin.normalizeScore) {
        list ??= this.scoreList(feasible);
        for (let i = 0; i < n; i++) list[i]!.score = raw[i]!;
        plugin.normalizeScore(state, pod, list);
        for (let i = 0; i < n; i++) raw[i] = list[i]!.score;
      }
      for (let i = 0; i < n; i++) {
        const s = Math.min(MAX_NODE_SCORE, Math.max(0, Math.trunc(raw[i]!))) * weight;
        raw[i] = s;
        totals[i] = totals[i]! + s;
      }
      weighted?.push(raw.slice(0, n));
    }
    return totals;
  }

  /** The reused NodeScoreList, one entry per feasible node, named. */
  private scoreList(feasible: NodeInfo[]): NodeScoreList {
    const list = this.normalizeList;
    list.length = feasible.length;
    for (let i = 0; i < feasible.length; i++) {
      const name = feasible[i]!.node.metadata.name ?? "";
      const entry = list[i];
      if (entry) entry.name = name;
      else list[i] = { name, score: 0 };
    }
    return list;
  }

  /** The highest total; among equals each is equally likely (Kubernetes' reservoir sampling). */
  selectHost(scores: readonly NodeScore[]): string | undefined {
    const i = this.bestIndex(scores.length, (j) => scores[j]!.total);
    return i < 0 ? undefined : scores[i]!.node;
  }

  private bestIndex(n: number, total: (i: number) => number): number {
    let best = -1;
    let bestTotal = 0;
    let ties = 0;
    for (let i = 0; i < n; i++) {
      const t = total(i);
      if (best < 0 || t > bestTotal) {
        best = i;
        bestTotal = t;
        ties = 1;
      } else if (t === bestTotal) {
        ties++;
        if (Math.floor(this.random() * ties) === 0) best = i;
      }
    }
    return best;
  }

  runReserve(state: CycleState, pod: Pod, nodeName: string): Status {
    for (const p of this.reservers) {
      let s: Status;
      try {
        s = p.reserve?.(state, pod, nodeName) ?? success();
      } catch (err) {
        s = caught(p.name, "Reserve", err);
      }
      if (s.code !== "Success") {
        this.runUnreserve(state, pod, nodeName);
        return withStatusPlugin(s, p.name);
      }
    }
    return success();
  }

  /** Unreserve in reverse order, as Kubernetes. */
  runUnreserve(state: CycleState, pod: Pod, nodeName: string): void {
    for (const p of [...this.reservers].reverse()) p.unreserve?.(state, pod, nodeName);
  }

  failureMessage(diagnosis: ReadonlyMap<string, Status>, numNodes: number, preFilterStatus?: Status): string {
    return failureMessage(diagnosis, numNodes, preFilterStatus ? statusMessage(preFilterStatus) : undefined);
  }

  /** A table for debug logs: filtered-out nodes with reasons, and the score of each plugin per node. */
  explain(pod: Pod, result: ScheduleResult | FeasibleResult, numNodes: number, scores?: NodeScore[]): string {
    return explainDecision({
      pod,
      numNodes,
      feasible: result.feasible.length,
      diagnosis: result.diagnosis,
      scores: scores ?? ("scores" in result ? result.scores : []),
      selected: "node" in result ? result.node : undefined,
    });
  }

  /**
   * One whole cycle, as kube-scheduler's schedulePod: no scoring when only one node fits. The caller
   * still assumes the pod, runs Reserve and binds.
   */
  schedule(pod: Pod, snapshot: Snapshot, opts: ScoreOptions = {}): ScheduleResult {
    const numNodes = snapshot.nodes().length;
    const found = this.findFeasible(pod, snapshot);
    if (found.error) return { ...found, scores: [] };
    if (found.feasible.length === 0) {
      return {
        ...found,
        scores: [],
        message: this.failureMessage(found.diagnosis, numNodes, found.preFilterStatus),
      };
    }
    if (found.feasible.length === 1) {
      return { ...found, scores: [], node: found.feasible[0]!.node.metadata.name ?? "" };
    }
    if (opts.breakdown) {
      const scores = this.scoreNodes(pod, found.feasible, snapshot, found.state, opts);
      return { ...found, scores, node: this.selectHost(scores) };
    }
    // The usual cycle: only the winner matters, so no NodeScore is made for each node.
    const totals = this.scoreTotals(pod, found.feasible, snapshot, found.state);
    const best = this.bestIndex(totals.length, (i) => totals[i]!);
    return { ...found, scores: [], node: found.feasible[best]!.node.metadata.name ?? "" };
  }
}

/** Filters one node: the first plugin that says no decides. */
function filterNode(filters: readonly Plugin[], state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
  for (let i = 0; i < filters.length; i++) {
    const p = filters[i]!;
    let s: Status;
    try {
      s = p.filter!(state, pod, nodeInfo);
    } catch (err) {
      return caught(p.name, "Filter", err);
    }
    if (s.code !== "Success" && s.code !== "Skip") return withStatusPlugin(s, p.name);
  }
  return success();
}

function unionInOrder(first: Plugin[], more: Plugin[]): Plugin[] {
  const out = [...first];
  for (const p of more) if (!out.includes(p)) out.push(p);
  return out;
}

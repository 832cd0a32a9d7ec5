import { describe, expect, it } from "vitest";
import { DEFAULT_SCHEDULER_NAME, defaultSchedulerConfig, profilesFromConfig } from "../../src/config.js";
import { Framework } from "../../src/framework/framework.js";
import { type Plugin, skip, success, unschedulable } from "../../src/framework/types.js";
import { frameworkOf, info, node, pod, snapshot } from "./fixtures.js";

const rejects = (name: string, reason: string, seen: string[] = []): Plugin => ({
  name,
  filter: () => {
    seen.push(name);
    return unschedulable(reason);
  },
});

const scoring = (name: string, raw: Record<string, number>, normalize = false): Plugin => ({
  name,
  score: (_s, _p, n) => raw[n.node.metadata.name ?? ""] ?? 0,
  normalizeScore: normalize
    ? (_s, _p, scores) => {
        const max = Math.max(...scores.map((s) => s.score));
        for (const s of scores) s.score = Math.trunc((s.score * 100) / max);
      }
    : undefined,
});

const defaultFramework = (random = () => 0) =>
  profilesFromConfig(defaultSchedulerConfig(), { random }).get(DEFAULT_SCHEDULER_NAME)!;

describe("Framework", () => {
  it("returns the first failing filter's status with its plugin name and stops there", () => {
    const seen: string[] = [];
    const fw = frameworkOf([
      rejects("First", "first says no", seen),
      rejects("Second", "second says no", seen),
    ]);
    const s = fw.runFilter(new Map(), pod("p"), info(node("n")));
    expect(s).toEqual({ code: "Unschedulable", reasons: ["first says no"], plugin: "First" });
    expect(seen).toEqual(["First"]);
  });

  it("skips a plugin's Filter when its PreFilter says Skip", () => {
    const p: Plugin = { ...rejects("Skipper", "no"), preFilter: () => skip() };
    const fw = frameworkOf([p]);
    const r = fw.findFeasible(pod("p"), snapshot(info(node("a")), info(node("b"))));
    expect(r.feasible.map((n) => n.node.metadata.name)).toEqual(["a", "b"]);
  });

  it("fails the whole cycle on a PreFilter rejection, every node carrying it", () => {
    const p: Plugin = {
      name: "Gate",
      preFilter: () => unschedulable("pod affinity terms conflict"),
      filter: success,
    };
    const fw = frameworkOf([p]);
    const r = fw.findFeasible(pod("p"), snapshot(info(node("a")), info(node("b"))));
    expect(r.diagnosis.size).toBe(2);
    expect(fw.failureMessage(r.diagnosis, 2, r.preFilterStatus)).toBe(
      "0/2 nodes are available: pod affinity terms conflict.",
    );
  });

  it("reports a throwing plugin as an error, not as an unschedulable pod", () => {
    const boom: Plugin = {
      name: "Boom",
      filter: () => {
        throw new Error("kaput");
      },
    };
    const r = frameworkOf([boom]).schedule(pod("p"), snapshot(info(node("a"))));
    expect(r.error).toMatchObject({ code: "Error", plugin: "Boom" });
    expect(r.node).toBeUndefined();
  });

  it("applies weights after NormalizeScore and adds up per plugin", () => {
    const fw = frameworkOf([scoring("Norm", { a: 10, b: 5 }, true), scoring("Raw", { a: 0, b: 60 })], {
      Norm: 3,
      Raw: 2,
    });
    const infos = [info(node("a")), info(node("b"))];
    const scores = fw.scoreNodes(pod("p"), infos, snapshot(...infos), new Map(), { breakdown: true });
    expect(scores).toEqual([
      { node: "a", total: 300, perPlugin: { Norm: 300, Raw: 0 } },
      { node: "b", total: 270, perPlugin: { Norm: 150, Raw: 120 } },
    ]);
    expect(fw.selectHost(scores)).toBe("a");
  });

  it("breaks ties with the injected random source", () => {
    const ties = [
      { node: "a", total: 5, perPlugin: {} },
      { node: "b", total: 7, perPlugin: {} },
      { node: "c", total: 7, perPlugin: {} },
    ];
    const pick = (r: number) =>
      new Framework("t", new Map(), new Map(), { random: () => r }).selectHost(ties);
    expect(pick(0)).toBe("c");
    expect(pick(0.99)).toBe("b");
  });

  it("builds the default profile in kube-scheduler's order with its weights", () => {
    const fw = defaultFramework();
    expect(fw.pluginNames("filter")).toEqual([
      "NodeUnschedulable",
      "NodeName",
      "TaintToleration",
      "NodeAffinity",
      "NodePorts",
      "NodeResourcesFit",
      "PodTopologySpread",
    ]);
    expect(fw.scoreWeights()).toEqual({
      TaintToleration: 3,
      NodeAffinity: 2,
      NodeResourcesFit: 1,
      PodTopologySpread: 2,
      NodeResourcesBalancedAllocation: 1,
      ImageLocality: 1,
    });
    expect(fw.pluginNames("bind")).toEqual(["DefaultBinder"]);
    expect(fw.pluginNames("queueSort")).toEqual(["PrioritySort"]);
  });

  it("words the failure as Kubernetes does across plugins", () => {
    const fw = defaultFramework();
    const gpuUsed = pod("used", { gpu: "3", nodeName: "g1" });
    const snap = snapshot(
      info(node("cpu-only", { labels: { pool: "cpu" } })),
      info(node("g1", { gpu: "4", labels: { pool: "gpu" } }), [gpuUsed]),
      info(node("g2", { gpu: "1", labels: { pool: "gpu" } })),
    );
    const r = fw.schedule(pod("train", { gpu: "2", nodeSelector: { pool: "gpu" } }), snap);
    expect(r.node).toBeUndefined();
    expect(r.message).toBe(
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient nvidia.com/gpu.",
    );
    expect(r.diagnosis.get("g1")?.plugin).toBe("NodeResourcesFit");
  });

  it("places a pod on the only node that fits without scoring", () => {
    const fw = defaultFramework();
    const r = fw.schedule(
      pod("p", { cpu: "3" }),
      snapshot(info(node("small", { cpu: "1" })), info(node("big"))),
    );
    expect(r.node).toBe("big");
    expect(r.scores).toEqual([]);
    expect(fw.explain(pod("p"), r, 2)).toContain("1/2 nodes feasible");
  });

  it("explains a decision: who was filtered out and why, and the score table", () => {
    const fw = defaultFramework();
    const snap = snapshot(
      info(node("a")),
      info(node("b"), [pod("busy", { cpu: "2", nodeName: "b" })]),
      info(node("c", { cpu: "1" })),
    );
    const p = pod("web", { cpu: "1500m" });
    const r = fw.schedule(p, snap, { breakdown: true });
    expect(r.node).toBe("a");
    const text = fw.explain(p, r, 3);
    expect(text).toContain("pod default/web: 2/3 nodes feasible");
    expect(text).toMatch(/c\s+NodeResourcesFit\s+Insufficient cpu/);
    expect(text).toMatch(/node\s+TaintToleration\s+NodeResourcesFit\s+NodeResourcesBalancedAllocation/);
    expect(text).toMatch(/a \*/);
    expect(text).toContain("selected: a");
  });

  it("evaluates only enough nodes in a big cluster and resumes where it stopped", () => {
    const fw = defaultFramework();
    expect(fw.numFeasibleNodesToFind(50)).toBe(50);
    expect(fw.numFeasibleNodesToFind(1000)).toBe(420);
    expect(fw.numFeasibleNodesToFind(5000)).toBe(500);
    const infos = Array.from({ length: 150 }, (_, i) => info(node(`n${i}`)));
    const first = fw.findFeasible(pod("p"), snapshot(...infos));
    expect(first.feasible).toHaveLength(100);
    const second = fw.findFeasible(pod("p"), snapshot(...infos));
    expect(second.feasible[0]?.node.metadata.name).toBe("n100");
  });

  it("runs Reserve and undoes it in reverse order when one fails", () => {
    const log: string[] = [];
    const r = (name: string, ok: boolean): Plugin => ({
      name,
      reserve: () => {
        log.push(`reserve ${name}`);
        return ok ? success() : unschedulable("full");
      },
      unreserve: () => {
        log.push(`unreserve ${name}`);
      },
    });
    const fw = frameworkOf([r("A", true), r("B", false)]);
    expect(fw.runReserve(new Map(), pod("p"), "n")).toMatchObject({ code: "Unschedulable", plugin: "B" });
    expect(log).toEqual(["reserve A", "reserve B", "unreserve B", "unreserve A"]);
  });
});

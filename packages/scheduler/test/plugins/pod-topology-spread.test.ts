import type { TopologySpreadConstraint } from "@minik8s/api";
import { describe, expect, it } from "vitest";
import { podTopologySpread } from "../../src/plugins/pod-topology-spread.js";
import { filterOf, info, node, pod, scoresOf } from "../framework/fixtures.js";

const replica = (name: string, nodeName?: string) =>
  pod(name, { owner: "rs-web", labels: { app: "web" }, nodeName });

describe("PodTopologySpread scoring with the system defaults", () => {
  it("spreads replicas of one owner across nodes", () => {
    const nodes = [
      info(node("a"), [replica("w1", "a"), replica("w2", "a")]),
      info(node("b"), [replica("w3", "b")]),
      info(node("c"), [pod("other", { owner: "rs-db", nodeName: "c" })]),
    ];
    const s = scoresOf(podTopologySpread(), replica("w4"), nodes);
    expect(s.c).toBe(100);
    expect(s.c!).toBeGreaterThan(s.b!);
    expect(s.b!).toBeGreaterThan(s.a!);
  });

  it("gives a pod without an owner nothing to spread by", () => {
    const nodes = [info(node("a"), [replica("w1", "a")]), info(node("b"))];
    expect(scoresOf(podTopologySpread(), pod("lonely"), nodes)).toEqual({ a: 0, b: 0 });
  });
});

describe("PodTopologySpread filtering (DoNotSchedule)", () => {
  const zoned = (name: string, zone: string, pods: ReturnType<typeof pod>[] = []) =>
    info(node(name, { labels: { "topology.kubernetes.io/zone": zone } }), pods);
  const constraint: TopologySpreadConstraint = {
    maxSkew: 1,
    topologyKey: "topology.kubernetes.io/zone",
    whenUnsatisfiable: "DoNotSchedule",
    labelSelector: { matchLabels: { app: "web" } },
  };
  const incoming = () => pod("new", { labels: { app: "web" }, topologySpreadConstraints: [constraint] });

  it("refuses the domain that would exceed maxSkew", () => {
    const nodes = [
      zoned("a1", "a", [replica("w1", "a1"), replica("w2", "a1")]),
      zoned("b1", "b", [replica("w3", "b1")]),
    ];
    const [a1, b1] = nodes;
    expect(filterOf(podTopologySpread(), incoming(), a1!, nodes)).toEqual({
      code: "Unschedulable",
      reasons: ["node(s) didn't match pod topology spread constraints"],
      plugin: "PodTopologySpread",
    });
    expect(filterOf(podTopologySpread(), incoming(), b1!, nodes).code).toBe("Success");
  });

  it("rules out nodes missing the topology label", () => {
    const nodes = [zoned("a1", "a"), info(node("bare"))];
    expect(filterOf(podTopologySpread(), incoming(), nodes[1]!, nodes)).toMatchObject({
      code: "UnschedulableAndUnresolvable",
      reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"],
    });
  });

  it("counts only pods in the pod's namespace that match the selector", () => {
    const elsewhere = pod("x", { namespace: "other", labels: { app: "web" }, nodeName: "a1" });
    const nodes = [
      zoned("a1", "a", [elsewhere, pod("db", { labels: { app: "db" }, nodeName: "a1" })]),
      zoned("b1", "b"),
    ];
    expect(filterOf(podTopologySpread(), incoming(), nodes[0]!, nodes).code).toBe("Success");
  });
});

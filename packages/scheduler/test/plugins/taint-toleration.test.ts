import type { Taint } from "@minik8s/api";
import { describe, expect, it } from "vitest";
import { taintToleration } from "../../src/plugins/taint-toleration.js";
import { filterOf, info, node, pod, scoresOf } from "../framework/fixtures.js";

const taint = (key: string, effect: Taint["effect"], value?: string): Taint => ({ key, value, effect });

describe("TaintToleration filter", () => {
  const tt = taintToleration();

  it("rejects an untolerated NoSchedule taint with Kubernetes' message", () => {
    const n = info(node("n", { taints: [taint("dedicated", "NoSchedule", "gpu")] }));
    expect(filterOf(tt, pod("p"), n)).toEqual({
      code: "UnschedulableAndUnresolvable",
      reasons: ["node(s) had untolerated taint {dedicated: gpu}"],
      plugin: "TaintToleration",
    });
  });

  it("keeps pods off not-ready nodes through the not-ready taint", () => {
    const n = info(node("n", { taints: [taint("node.kubernetes.io/not-ready", "NoExecute")] }));
    expect(filterOf(tt, pod("p"), n).reasons).toEqual([
      "node(s) had untolerated taint {node.kubernetes.io/not-ready: }",
    ]);
    const tolerant = pod("p", { tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists" }] });
    expect(filterOf(tt, tolerant, n).code).toBe("Success");
  });

  it("keeps pods with the default 300 s tolerations off an unreachable node (its NoSchedule taint)", () => {
    // What the node lifecycle controller puts on a silent node, and what every pod gets at admission.
    const unreachable = info(
      node("n", {
        taints: [
          taint("node.kubernetes.io/unreachable", "NoSchedule"),
          { ...taint("node.kubernetes.io/unreachable", "NoExecute"), timeAdded: "2024-01-01T00:00:00Z" },
        ],
      }),
    );
    const defaults = pod("p", {
      tolerations: ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"].map((key) => ({
        key,
        operator: "Exists" as const,
        effect: "NoExecute" as const,
        tolerationSeconds: 300,
      })),
    });
    expect(filterOf(tt, defaults, unreachable).reasons).toEqual([
      "node(s) had untolerated taint {node.kubernetes.io/unreachable: }",
    ]);
  });

  it("ignores PreferNoSchedule taints when filtering", () => {
    const n = info(node("n", { taints: [taint("spot", "PreferNoSchedule")] }));
    expect(filterOf(tt, pod("p"), n).code).toBe("Success");
  });

  it("tolerates everything with Exists and an empty key", () => {
    const n = info(node("n", { taints: [taint("a", "NoSchedule", "x"), taint("b", "NoExecute")] }));
    expect(filterOf(tt, pod("p", { tolerations: [{ operator: "Exists" }] }), n).code).toBe("Success");
    // ...but an effect narrows it
    const onlyNoSchedule = pod("p", { tolerations: [{ operator: "Exists", effect: "NoSchedule" }] });
    expect(filterOf(tt, onlyNoSchedule, n).reasons).toEqual(["node(s) had untolerated taint {b: }"]);
  });

  it("needs the value to match with Equal (or no operator)", () => {
    const n = info(node("n", { taints: [taint("dedicated", "NoSchedule", "gpu")] }));
    const wrong = pod("p", { tolerations: [{ key: "dedicated", value: "cpu", effect: "NoSchedule" }] });
    const right = pod("p", { tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu" }] });
    expect(filterOf(tt, wrong, n).code).toBe("UnschedulableAndUnresolvable");
    expect(filterOf(tt, right, n).code).toBe("Success");
  });
});

describe("TaintToleration score", () => {
  it("prefers nodes with fewer untolerated PreferNoSchedule taints", () => {
    const nodes = [
      info(node("clean")),
      info(node("one", { taints: [taint("spot", "PreferNoSchedule")] })),
      info(node("two", { taints: [taint("spot", "PreferNoSchedule"), taint("old", "PreferNoSchedule")] })),
    ];
    expect(scoresOf(taintToleration(), pod("p"), nodes)).toEqual({ clean: 100, one: 50, two: 0 });
    const tolerates = pod("p", { tolerations: [{ key: "spot", operator: "Exists" }] });
    expect(scoresOf(taintToleration(), tolerates, nodes)).toEqual({ clean: 100, one: 100, two: 0 });
  });
});

import { describe, expect, it } from "vitest";
import { nodeResourcesBalancedAllocation } from "../../src/plugins/node-resources-balanced-allocation.js";
import { info, node, pod, scoresOf } from "../framework/fixtures.js";

describe("NodeResourcesBalancedAllocation", () => {
  it("prefers the node where cpu and memory end up equally used", () => {
    const nodes = [
      info(node("cpu-heavy"), [pod("a", { cpu: "3" })]),
      info(node("balanced"), [pod("b", { cpu: "1", memory: "2Gi" })]),
    ];
    const s = scoresOf(nodeResourcesBalancedAllocation(), pod("p", { cpu: "1", memory: "2Gi" }), nodes);
    // cpu-heavy: fractions 1 and 0.25 → 100 × (1 − 0.375) = 62; balanced: 0.5 and 0.5 → 100
    expect(s).toEqual({ "cpu-heavy": 62, balanced: 100 });
  });

  it("uses the standard deviation over more than two resources", () => {
    const plugin = nodeResourcesBalancedAllocation({
      resources: [
        { name: "cpu", weight: 1 },
        { name: "memory", weight: 1 },
        { name: "nvidia.com/gpu", weight: 1 },
      ],
    });
    const s = scoresOf(plugin, pod("p", { cpu: "2", memory: "4Gi", gpu: "4" }), [
      info(node("g", { gpu: "4" })),
    ]);
    // fractions .5, .5, 1: mean 2/3, std ≈ 0.2357 → 76
    expect(s).toEqual({ g: 76 });
  });
});

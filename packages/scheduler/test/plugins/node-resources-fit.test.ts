import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NodeInfo } from "../../src/framework/types.js";
import { nodeResourcesBalancedAllocation } from "../../src/plugins/node-resources-balanced-allocation.js";
import { nodeResourcesFit } from "../../src/plugins/node-resources-fit.js";
import { filterOf, info, node, pod, scoresOf } from "../framework/fixtures.js";

describe("NodeResourcesFit filter", () => {
  const fit = nodeResourcesFit();

  it("refuses 2 GPUs on a node with 4 allocatable and 3 in use", () => {
    const n = info(node("g", { gpu: "4" }), [pod("a", { gpu: "3" })]);
    expect(filterOf(fit, pod("p", { gpu: "2" }), n)).toEqual({
      code: "Unschedulable",
      reasons: ["Insufficient nvidia.com/gpu"],
      plugin: "NodeResourcesFit",
    });
    expect(filterOf(fit, pod("p", { gpu: "1" }), n).code).toBe("Success");
  });

  it("asks for an extended resource the node does not have at all", () => {
    expect(filterOf(fit, pod("p", { gpu: "1" }), info(node("cpu-only"))).reasons).toEqual([
      "Insufficient nvidia.com/gpu",
    ]);
  });

  it("lists every shortage in Kubernetes' order", () => {
    const n = info(node("n", { cpu: "1", memory: "1Gi", pods: "1", gpu: "1" }), [pod("a", { cpu: "500m" })]);
    const p = pod("p", { cpu: "600m", memory: "2Gi", gpu: "2", requests: { "example.com/foo": "1" } });
    expect(filterOf(fit, p, n).reasons).toEqual([
      "Too many pods",
      "Insufficient cpu",
      "Insufficient memory",
      "Insufficient example.com/foo",
      "Insufficient nvidia.com/gpu",
    ]);
  });

  it("fits exactly to the last millicore, never over", () => {
    const n = info(node("n", { cpu: "1" }), [pod("a", { cpu: "300m" })]);
    expect(filterOf(fit, pod("p", { cpu: "700m" }), n).code).toBe("Success");
    expect(filterOf(fit, pod("p", { cpu: "701m" }), n).reasons).toEqual(["Insufficient cpu"]);
  });

  it("counts init containers as max(largest init, sum of app containers)", () => {
    const n = info(node("n", { cpu: "2" }));
    const p = pod("p", {
      cpu: "500m",
      initContainers: [{ name: "init", image: "x", resources: { requests: { cpu: "2500m" } } }],
    });
    expect(filterOf(fit, p, n).reasons).toEqual(["Insufficient cpu"]);
  });

  it("ignores the configured extended resources", () => {
    const ignoring = nodeResourcesFit({ ignoredResourceGroups: ["example.com"] });
    const p = pod("p", { requests: { "example.com/foo": "1" } });
    expect(filterOf(ignoring, p, info(node("n"))).code).toBe("Success");
  });
});

describe("NodeResourcesFit score", () => {
  // "empty" has nothing running; "half" has 2 of 4 cpu and 4 of 8Gi requested.
  const nodes = () => [info(node("empty")), info(node("half"), [pod("a", { cpu: "2", memory: "4Gi" })])];
  const p = pod("p", { cpu: "1", memory: "2Gi" });

  it("LeastAllocated (default) spreads: the emptier node scores higher", () => {
    const s = scoresOf(nodeResourcesFit(), p, nodes());
    // empty: (3000/4000 + 6Gi/8Gi) → 75; half: 25
    expect(s).toEqual({ empty: 75, half: 25 });
  });

  it("MostAllocated bin-packs: the fuller node scores higher", () => {
    const s = scoresOf(nodeResourcesFit({ scoringStrategy: { type: "MostAllocated" } }), p, nodes());
    expect(s).toEqual({ empty: 25, half: 75 });
  });

  it("weights resources, and scores an extended resource only for pods that ask for it", () => {
    const mostGpu = nodeResourcesFit({
      scoringStrategy: {
        type: "MostAllocated",
        resources: [
          { name: "cpu", weight: 1 },
          { name: "nvidia.com/gpu", weight: 3 },
        ],
      },
    });
    const gpuNodes = [
      info(node("g1", { gpu: "4" })),
      info(node("g2", { gpu: "4" }), [pod("a", { gpu: "2" })]),
    ];
    // g1: (cpu 25, gpu 25) → 25. g2: pod "a" counts 100m by default, so cpu 1100/4000 → 27, gpu 3/4 → 75:
    // (27 + 3 × 75) / 4 = 63
    expect(scoresOf(mostGpu, pod("p", { cpu: "1", gpu: "1" }), gpuNodes)).toEqual({ g1: 25, g2: 63 });
    // cpu only: the gpu resource is left out
    expect(scoresOf(mostGpu, pod("p", { cpu: "1" }), gpuNodes)).toEqual({ g1: 25, g2: 27 });
  });

  it("uses the non-zero defaults for pods without requests", () => {
    const s = scoresOf(nodeResourcesFit(), pod("best-effort"), [
      info(node("n", { cpu: "1", memory: "1Gi" })),
    ]);
    // cpu (1000-100)/1000 → 90, memory (1024-200)/1024 → 80; mean 85
    expect(s).toEqual({ n: 85 });
  });

  it("RequestedToCapacityRatio follows the configured shape", () => {
    const r2c = nodeResourcesFit({
      scoringStrategy: {
        type: "RequestedToCapacityRatio",
        requestedToCapacityRatio: {
          shape: [
            { utilization: 0, score: 0 },
            { utilization: 100, score: 10 },
          ],
        },
      },
    });
    expect(scoresOf(r2c, p, nodes())).toEqual({ empty: 25, half: 75 });
  });

  it("rejects bad args with the field named", () => {
    expect(() => nodeResourcesFit({ scoringStrategy: { type: "RequestedToCapacityRatio" } })).toThrow(
      /requestedToCapacityRatio/,
    );
    expect(() =>
      nodeResourcesFit({ scoringStrategy: { resources: [{ name: "cpu", weight: 0 }] } }),
    ).toThrow();
  });
});

describe("NodeResourcesFit: numbers and bigints agree", () => {
  // Filter and Score read a node's figures as numbers where that is exact, else as bigints. A
  // NodeInfo without `numbers` takes the bigint path only: both must give the same answers,
  // including for quantities far beyond 2^53 (exabytes of memory, millions of GPUs).
  const quantity = fc.oneof(
    fc.constantFrom("0", "1", "100m", "128Mi", "4", "32", "8Ei", "9000000000000"),
    fc.integer({ min: 0, max: 64 }).map(String),
    fc.integer({ min: 0, max: 4_000 }).map((m) => `${m}m`),
    fc.integer({ min: 1, max: 9 }).map((e) => `${e}Pi`),
  );
  const resources = fc.record({ cpu: quantity, memory: quantity, gpu: quantity }, { requiredKeys: [] });
  const strategies = [
    nodeResourcesFit(),
    nodeResourcesFit({ scoringStrategy: { type: "MostAllocated" } }),
    nodeResourcesFit({
      scoringStrategy: {
        type: "LeastAllocated",
        resources: [
          { name: "cpu", weight: 2 },
          { name: "memory", weight: 1 },
          { name: "nvidia.com/gpu", weight: 5 },
        ],
      },
    }),
  ];

  it("filter and score, on random nodes and pods", () => {
    fc.assert(
      fc.property(resources, fc.array(resources, { maxLength: 3 }), resources, (alloc, running, wanted) => {
        const withNumbers = info(
          node("n", { cpu: alloc.cpu ?? "4", memory: alloc.memory ?? "8Gi", gpu: alloc.gpu }),
          running.map((r, i) => pod(`r${i}`, r)),
        );
        const bigintsOnly: NodeInfo = { ...withNumbers, numbers: undefined };
        const p = pod("p", wanted);
        for (const plugin of strategies) {
          expect(filterOf(plugin, p, bigintsOnly)).toEqual(filterOf(plugin, p, withNumbers));
          expect(scoresOf(plugin, p, [bigintsOnly])).toEqual(scoresOf(plugin, p, [withNumbers]));
        }
        expect(scoresOf(nodeResourcesBalancedAllocation(), p, [bigintsOnly])).toEqual(
          scoresOf(nodeResourcesBalancedAllocation(), p, [withNumbers]),
        );
      }),
      { numRuns: 300 },
    );
  });
});

import type { NodeSelectorRequirement } from "@minik8s/api";
import { describe, expect, it } from "vitest";
import { nodeAffinity } from "../../src/plugins/node-affinity.js";
import { filterOf, info, node, pod, scoresOf } from "../framework/fixtures.js";

const requiring = (...exprs: NodeSelectorRequirement[]) =>
  pod("p", {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: exprs }] },
      },
    },
  });

const labelled = (labels: Record<string, string>) => info(node("n", { labels }));

describe("NodeAffinity filter", () => {
  const na = nodeAffinity();
  const fits = (p: ReturnType<typeof pod>, labels: Record<string, string>) =>
    filterOf(na, p, labelled(labels)).code;

  it("matches spec.nodeSelector and words a mismatch as Kubernetes", () => {
    const p = pod("p", { nodeSelector: { disk: "ssd" } });
    expect(fits(p, { disk: "ssd", zone: "a" })).toBe("Success");
    expect(filterOf(na, p, labelled({ disk: "hdd" }))).toEqual({
      code: "UnschedulableAndUnresolvable",
      reasons: ["node(s) didn't match Pod's node affinity/selector"],
      plugin: "NodeAffinity",
    });
  });

  it("supports In, NotIn, Exists and DoesNotExist", () => {
    expect(fits(requiring({ key: "zone", operator: "In", values: ["a", "b"] }), { zone: "b" })).toBe(
      "Success",
    );
    expect(fits(requiring({ key: "zone", operator: "In", values: ["a"] }), { zone: "b" })).not.toBe(
      "Success",
    );
    expect(fits(requiring({ key: "zone", operator: "NotIn", values: ["a"] }), {})).toBe("Success");
    expect(fits(requiring({ key: "zone", operator: "NotIn", values: ["a"] }), { zone: "a" })).not.toBe(
      "Success",
    );
    expect(fits(requiring({ key: "gpu", operator: "Exists" }), { gpu: "" })).toBe("Success");
    expect(fits(requiring({ key: "gpu", operator: "DoesNotExist" }), { gpu: "" })).not.toBe("Success");
  });

  it("compares integers with Gt and Lt, and never matches a non-integer label", () => {
    const gt = requiring({ key: "cores", operator: "Gt", values: ["8"] });
    expect(fits(gt, { cores: "16" })).toBe("Success");
    expect(fits(gt, { cores: "8" })).not.toBe("Success");
    expect(fits(gt, { cores: "many" })).not.toBe("Success");
    expect(fits(gt, {})).not.toBe("Success");
    expect(fits(requiring({ key: "gen", operator: "Lt", values: ["3"] }), { gen: "-1" })).toBe("Success");
    expect(fits(requiring({ key: "gen", operator: "Lt", values: ["3"] }), { gen: "3" })).not.toBe("Success");
  });

  it("ORs terms, ANDs the expressions of a term, and needs nodeSelector too", () => {
    const p = pod("p", {
      nodeSelector: { pool: "x" },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: "zone", operator: "In", values: ["a"] },
                  { key: "ssd", operator: "Exists" },
                ],
              },
              { matchFields: [{ key: "metadata.name", operator: "In", values: ["n"] }] },
            ],
          },
        },
      },
    });
    expect(fits(p, { pool: "x" })).toBe("Success"); // second term: the node's name
    expect(fits(p, { pool: "y" })).not.toBe("Success");
  });

  it("enforces the profile's addedAffinity with its own message", () => {
    const added = nodeAffinity({
      addedAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "team", operator: "In", values: ["ml"] }] }],
        },
      },
    });
    expect(filterOf(added, pod("p"), labelled({ team: "web" })).reasons).toEqual([
      "node(s) didn't match scheduler-enforced node affinity",
    ]);
    expect(filterOf(added, pod("p"), labelled({ team: "ml" })).code).toBe("Success");
  });
});

describe("NodeAffinity score", () => {
  it("sums the weights of matching preferred terms, best node 100", () => {
    const p = pod("p", {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 80,
              preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] },
            },
            { weight: 20, preference: { matchExpressions: [{ key: "ssd", operator: "Exists" }] } },
          ],
        },
      },
    });
    const nodes = [
      info(node("both", { labels: { zone: "a", ssd: "" } })),
      info(node("zone", { labels: { zone: "a" } })),
      info(node("ssd", { labels: { ssd: "" } })),
      info(node("none")),
    ];
    expect(scoresOf(nodeAffinity(), p, nodes)).toEqual({ both: 100, zone: 80, ssd: 20, none: 0 });
  });
});

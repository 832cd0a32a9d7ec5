import { describe, expect, it } from "vitest";
import { nodeUnschedulable } from "../../src/plugins/node-unschedulable.js";
import { filterOf, info, node, pod } from "../framework/fixtures.js";

describe("NodeUnschedulable", () => {
  const nu = nodeUnschedulable();
  const cordoned = () => info(node("n", { unschedulable: true }));

  it("keeps pods off cordoned nodes", () => {
    expect(filterOf(nu, pod("p"), cordoned())).toEqual({
      code: "UnschedulableAndUnresolvable",
      reasons: ["node(s) were unschedulable"],
      plugin: "NodeUnschedulable",
    });
    expect(filterOf(nu, pod("p"), info(node("m"))).code).toBe("Success");
  });

  it("lets through pods that tolerate the unschedulable taint", () => {
    const p = pod("ds", {
      tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }],
    });
    expect(filterOf(nu, p, cordoned()).code).toBe("Success");
  });
});

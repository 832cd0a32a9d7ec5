import { describe, expect, it } from "vitest";
import { nodePorts } from "../../src/plugins/node-ports.js";
import { filterOf, info, node, pod, snapshot } from "../framework/fixtures.js";

describe("NodePorts", () => {
  const np = nodePorts();
  const busy = () =>
    info(node("n"), [
      pod("a", { hostPorts: [{ hostPort: 8080 }, { hostPort: 53, protocol: "UDP", hostIP: "10.0.0.1" }] }),
    ]);

  it("refuses a hostPort already taken, with Kubernetes' message", () => {
    expect(filterOf(np, pod("p", { hostPorts: [{ hostPort: 8080 }] }), busy())).toEqual({
      code: "Unschedulable",
      reasons: ["node(s) didn't have free ports for the requested pod ports"],
      plugin: "NodePorts",
    });
  });

  it("tells protocols and addresses apart, with 0.0.0.0 meaning every address", () => {
    expect(filterOf(np, pod("p", { hostPorts: [{ hostPort: 8080, protocol: "UDP" }] }), busy()).code).toBe(
      "Success",
    );
    expect(
      filterOf(np, pod("p", { hostPorts: [{ hostPort: 53, protocol: "UDP", hostIP: "10.0.0.2" }] }), busy())
        .code,
    ).toBe("Success");
    expect(filterOf(np, pod("p", { hostPorts: [{ hostPort: 53, protocol: "UDP" }] }), busy()).code).toBe(
      "Unschedulable",
    );
    expect(
      filterOf(np, pod("p", { hostPorts: [{ hostPort: 8080, hostIP: "192.168.1.1" }] }), busy()).code,
    ).toBe("Unschedulable");
  });

  it("has nothing to say about pods without host ports", () => {
    expect(np.preFilter?.(new Map(), pod("p"), snapshot(busy()))).toEqual({ code: "Skip", reasons: [] });
    expect(filterOf(np, pod("p"), busy()).code).toBe("Success");
  });
});

import { describe, expect, it } from "vitest";
import { failureMessage } from "../../src/framework/failure-message.js";
import { type Status, unresolvable, unschedulable } from "../../src/framework/types.js";

describe("failureMessage", () => {
  it("counts reasons across nodes and sorts them as Kubernetes does", () => {
    const d = new Map<string, Status>([
      ["a", unresolvable("node(s) didn't match Pod's node affinity/selector")],
      ["b", unschedulable("Insufficient nvidia.com/gpu")],
      ["c", unschedulable("Insufficient nvidia.com/gpu")],
    ]);
    expect(failureMessage(d, 3)).toBe(
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient nvidia.com/gpu.",
    );
  });

  it("counts every reason of a node and sorts as strings, 10 before 2", () => {
    const d = new Map<string, Status>();
    for (let i = 0; i < 10; i++) d.set(`cpu-${i}`, unschedulable("Insufficient cpu", "Insufficient memory"));
    d.set("x", unschedulable("Too many pods"));
    d.set("y", unschedulable("Too many pods"));
    expect(failureMessage(d, 12)).toBe(
      "0/12 nodes are available: 10 Insufficient cpu, 10 Insufficient memory, 2 Too many pods.",
    );
  });

  it("shows a PreFilter rejection once, and says when there are no nodes", () => {
    expect(failureMessage(new Map(), 4, "pod affinity terms conflict")).toBe(
      "0/4 nodes are available: pod affinity terms conflict.",
    );
    expect(failureMessage(new Map(), 0)).toBe("no nodes available to schedule pods");
  });
});

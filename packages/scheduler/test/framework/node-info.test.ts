import { describe, expect, it } from "vitest";
import { addPod, cloneNodeInfo, newNodeInfo, removePod, setNode } from "../../src/framework/node-info.js";
import { node, pod } from "./fixtures.js";

describe("NodeInfo", () => {
  it("sums requests, counts pods and records host ports", () => {
    const a = pod("a", { cpu: "500m", memory: "1Gi", hostPorts: [{ hostPort: 80 }] });
    const b = pod("b", { gpu: "1", hostPorts: [{ hostPort: 53, protocol: "UDP", hostIP: "10.0.0.1" }] });
    const i = newNodeInfo(node("n", { gpu: "4" }), [a, b]);
    expect(i.allocatable).toMatchObject({
      cpu: 4000n,
      memory: 8n * 1024n ** 3n,
      pods: 110n,
      "nvidia.com/gpu": 4n,
    });
    expect(i.requested).toEqual({ cpu: 500n, memory: 1024n ** 3n, "nvidia.com/gpu": 1n, pods: 2n });
    expect(i.nonZeroRequested).toMatchObject({ cpu: 600n, memory: 1024n ** 3n + 200n * 1024n ** 2n });
    expect([...i.usedPorts].sort()).toEqual(["TCP/0.0.0.0/80", "UDP/10.0.0.1/53"]);
  });

  it("removes a pod by uid and gives back its requests and ports", () => {
    const a = pod("a", { cpu: "500m", hostPorts: [{ hostPort: 80 }] });
    const i = newNodeInfo(node("n"), [a]);
    expect(removePod(i, a)).toBe(true);
    expect(removePod(i, a)).toBe(false);
    expect(i.requested).toEqual({ cpu: 0n, pods: 0n });
    expect(i.usedPorts.size).toBe(0);
  });

  it("keeps its numbers equal to its quantities through adds, removes and node changes", () => {
    const asNumbers = (r: Record<string, bigint> | undefined) =>
      Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, Number(v)]));
    const same = (i: ReturnType<typeof newNodeInfo>) => {
      expect(i.numbers?.allocatable).toEqual(asNumbers(i.allocatable));
      expect(i.numbers?.requested).toEqual(asNumbers(i.requested));
      expect(i.numbers?.nonZeroRequested).toEqual(asNumbers(i.nonZeroRequested));
    };
    const a = pod("a", { cpu: "500m", memory: "1Gi" });
    const b = pod("b", { gpu: "2" });
    const i = newNodeInfo(node("n", { gpu: "4" }), [a]);
    same(i);
    addPod(i, b);
    same(i);
    removePod(i, a);
    same(i);
    setNode(i, node("n", { cpu: "16", gpu: "8" }));
    same(i);
    same(cloneNodeInfo(i));
  });

  it("clones so the copy does not see later changes", () => {
    const i = newNodeInfo(node("n"));
    const copy = cloneNodeInfo(i);
    addPod(i, pod("a", { cpu: "1" }));
    expect(copy.pods).toHaveLength(0);
    expect(copy.requested.cpu).toBeUndefined();
  });

  it("keeps its pods when the node changes", () => {
    const i = newNodeInfo(node("n"), [pod("a", { cpu: "1" })]);
    setNode(i, node("n", { cpu: "8", images: [{ names: ["nginx:latest"], sizeBytes: 1 }] }));
    expect(i.allocatable.cpu).toBe(8000n);
    expect(i.requested.cpu).toBe(1000n);
    expect(i.images.has("nginx:latest")).toBe(true);
  });
});

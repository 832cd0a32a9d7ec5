import type { Node, Pod } from "@minik8s/api";
import { FakeClock } from "@minik8s/client";
import { describe, expect, it } from "vitest";
import { SchedulerCache } from "../src/scheduler-cache.js";

function node(name: string, cpu = "4"): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name },
    status: { allocatable: { cpu, memory: "8Gi", pods: "110" } },
  };
}

function pod(name: string, cpu: string, nodeName?: string): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", uid: `uid-${name}` },
    spec: {
      containers: [{ name: "c", image: "busybox", resources: { requests: { cpu } } }],
      ...(nodeName ? { nodeName } : {}),
    },
  };
}

const bindTo = (p: Pod, nodeName: string): Pod => ({ ...p, spec: { ...p.spec, nodeName } });

function setup() {
  const clock = new FakeClock();
  const cache = new SchedulerCache({ clock, assumedPodTtlMs: 30_000, cleanupPeriodMs: 1_000 });
  cache.addNode(node("n1"));
  cache.addNode(node("n2"));
  return { clock, cache };
}

const cpuOn = (cache: SchedulerCache, name: string) => cache.getNodeInfo(name)?.requested.cpu ?? 0n;

describe("SchedulerCache", () => {
  it("counts an assumed pod against its node at once, and only once when it is confirmed", () => {
    const { cache } = setup();
    const assumed = bindTo(pod("a", "1500m"), "n1");
    expect(cache.assumePod(assumed)).toBeUndefined();
    expect(cpuOn(cache, "n1")).toBe(1500n);
    expect(cache.isAssumed(assumed)).toBe(true);
    cache.finishBinding(assumed);
    cache.addPod(assumed); // the informer sees it bound
    expect(cpuOn(cache, "n1")).toBe(1500n);
    expect(cache.getNodeInfo("n1")?.pods).toHaveLength(1);
    expect(cache.isAssumed(assumed)).toBe(false);
  });

  it("refuses to assume a pod it already has", () => {
    const { cache } = setup();
    const assumed = bindTo(pod("a", "1"), "n1");
    cache.assumePod(assumed);
    expect(cache.assumePod(bindTo(pod("a", "1"), "n2"))).toBeInstanceOf(Error);
    expect(cpuOn(cache, "n2")).toBe(0n);
  });

  it("forgets an assumption whose binding failed", () => {
    const { cache } = setup();
    const assumed = bindTo(pod("a", "2"), "n2");
    cache.assumePod(assumed);
    cache.forgetPod(assumed);
    expect(cpuOn(cache, "n2")).toBe(0n);
    expect(cache.getNodeInfo("n2")?.pods).toHaveLength(0);
    expect(cache.isAssumed(assumed)).toBe(false);
  });

  it("expires an assumption never confirmed, counting from when its binding returned", () => {
    const { clock, cache } = setup();
    cache.start();
    const assumed = bindTo(pod("a", "1"), "n1");
    cache.assumePod(assumed);
    clock.advance(120_000); // binding still running: never expires
    expect(cache.isAssumed(assumed)).toBe(true);
    cache.finishBinding(assumed);
    clock.advance(29_000);
    expect(cpuOn(cache, "n1")).toBe(1000n);
    clock.advance(2_000);
    expect(cache.isAssumed(assumed)).toBe(false);
    expect(cpuOn(cache, "n1")).toBe(0n);
    cache.stop();
  });

  it("a confirmed pod does not expire", () => {
    const { clock, cache } = setup();
    cache.start();
    const assumed = bindTo(pod("a", "1"), "n1");
    cache.assumePod(assumed);
    cache.finishBinding(assumed);
    cache.addPod(assumed);
    clock.advance(60_000);
    expect(cpuOn(cache, "n1")).toBe(1000n);
    cache.stop();
  });

  it("moves the pod when the apiserver bound it elsewhere than assumed", () => {
    const { cache } = setup();
    const p = pod("a", "1");
    cache.assumePod(bindTo(p, "n1"));
    cache.addPod(bindTo(p, "n2"));
    expect(cpuOn(cache, "n1")).toBe(0n);
    expect(cpuOn(cache, "n2")).toBe(1000n);
  });

  it("keeps pods bound to a node it has not seen, and counts them when the node appears", () => {
    const { cache } = setup();
    cache.addPod(pod("early", "3", "n3"));
    expect(cache.getNodeInfo("n3")).toBeUndefined();
    cache.addNode(node("n3"));
    expect(cpuOn(cache, "n3")).toBe(3000n);
    expect(
      cache
        .snapshot()
        .nodes()
        .map((n) => n.node.metadata?.name),
    ).toEqual(["n1", "n2", "n3"]);
  });

  it("frees a deleted pod's requests, and keeps them across a node update", () => {
    const { cache } = setup();
    const p = pod("a", "1", "n1");
    cache.addPod(p);
    cache.updateNode(node("n1"), node("n1", "8"));
    expect(cpuOn(cache, "n1")).toBe(1000n);
    expect(cache.getNodeInfo("n1")?.allocatable.cpu).toBe(8000n);
    cache.removePod(p);
    expect(cpuOn(cache, "n1")).toBe(0n);
  });

  it("keeps the cluster's image table as nodes come, change and go", () => {
    const { cache } = setup();
    const withImages = (name: string, images: { names: string[]; sizeBytes: number }[]): Node => ({
      ...node(name),
      status: { ...node(name).status, images },
    });
    const nginx = { names: ["nginx:1.27", "docker.io/library/nginx:1.27"], sizeBytes: 200 };
    cache.updateNode(node("n1"), withImages("n1", [nginx]));
    cache.updateNode(
      node("n2"),
      withImages("n2", [
        { ...nginx, sizeBytes: 999 },
        { names: ["redis:7"], sizeBytes: 50 },
      ]),
    );
    const images = () => cache.snapshot();
    // The size is the first node's; the count is of nodes, whichever name they list it by.
    expect(images().imageState("nginx:1.27")).toEqual({ size: 200, numNodes: 2 });
    expect(images().imageState("docker.io/library/nginx:1.27")).toEqual({ size: 200, numNodes: 2 });
    expect(images().imageState("redis:7")).toEqual({ size: 50, numNodes: 1 });

    cache.updateNode(withImages("n2", []), withImages("n2", [{ names: ["redis:7"], sizeBytes: 50 }]));
    expect(images().imageState("nginx:1.27")).toEqual({ size: 200, numNodes: 1 });
    cache.removeNode(withImages("n1", [nginx]));
    expect(images().imageState("nginx:1.27")).toBeUndefined();
    expect(images().imageState("redis:7")).toEqual({ size: 50, numNodes: 1 });
  });
});

import { describe, expect, it } from "vitest";
import { parseNodeLabels, parseTaints, reconcileNode } from "../../src/node/node-registration.js";
import { desiredNodeStatus, type NodeFacts, sameIgnoringHeartbeats } from "../../src/node/node-status.js";
import { MACHINE } from "../support.js";

const facts: NodeFacts = {
  machine: MACHINE,
  kubeletVersion: "v1.32.0+minik8s-0.1.0",
  runtime: { ok: true, version: { name: "sim", version: "0.1.0" } },
  gpus: 2,
};

describe("node status", () => {
  it("advertises capacity, addresses, nodeInfo and an honest Ready", () => {
    const status = desiredNodeStatus(facts, undefined, Date.parse("2024-01-01T00:00:00Z"));
    expect(status.capacity).toEqual({ cpu: "4", memory: "8388608Ki", pods: "110", "nvidia.com/gpu": "2" });
    expect(status.allocatable).toEqual(status.capacity);
    expect(status.addresses).toEqual([
      { type: "InternalIP", address: "192.0.2.10" },
      { type: "Hostname", address: "test-host" },
    ]);
    expect(status.nodeInfo).toMatchObject({
      containerRuntimeVersion: "sim://0.1.0",
      kubeletVersion: "v1.32.0+minik8s-0.1.0",
      operatingSystem: "linux",
      architecture: "amd64",
      kernelVersion: "6.1.0-test",
    });
    expect(status.conditions).toEqual([
      {
        type: "Ready",
        status: "True",
        reason: "KubeletReady",
        message: "kubelet is posting ready status",
        lastHeartbeatTime: "2024-01-01T00:00:00Z",
        lastTransitionTime: "2024-01-01T00:00:00Z",
      },
    ]);
  });

  it("says NotReady with the runtime's error, and keeps transition times while nothing changes", () => {
    const t0 = Date.parse("2024-01-01T00:00:00Z");
    const first = desiredNodeStatus(facts, undefined, t0);
    const later = desiredNodeStatus(facts, first, t0 + 60_000);
    expect(later.conditions?.[0]?.lastTransitionTime).toBe("2024-01-01T00:00:00Z");
    expect(later.conditions?.[0]?.lastHeartbeatTime).toBe("2024-01-01T00:01:00Z");
    expect(sameIgnoringHeartbeats(first, later)).toBe(true);
    const down = desiredNodeStatus(
      { ...facts, runtime: { ok: false, message: "connect ENOENT" } },
      later,
      t0 + 70_000,
    );
    expect(down.conditions?.[0]).toMatchObject({
      status: "False",
      reason: "KubeletNotReady",
      message: "container runtime is down: connect ENOENT",
      lastTransitionTime: "2024-01-01T00:01:10Z",
    });
    expect(sameIgnoringHeartbeats(later, down)).toBe(false);
  });

  it("leaves nvidia.com/gpu out when there is no device manager", () => {
    expect(desiredNodeStatus({ ...facts, gpus: undefined }, undefined, 0).capacity).not.toHaveProperty(
      "nvidia.com/gpu",
    );
  });
});

describe("node registration flags", () => {
  it("parses --node-labels and --register-with-taints", () => {
    expect(parseNodeLabels("a=1, zone=b")).toEqual({ a: "1", zone: "b" });
    expect(parseNodeLabels("novalue")).toMatch(/want key=value/);
    expect(parseTaints("gpu=true:NoSchedule,dedicated:NoExecute")).toEqual([
      { key: "gpu", value: "true", effect: "NoSchedule" },
      { key: "dedicated", effect: "NoExecute" },
    ]);
    expect(parseTaints("gpu=true:Sometimes")).toMatch(/want key\[=value\]/);
  });

  it("re-adopts a node: our labels and missing taints added, the rest kept", () => {
    const existing = {
      apiVersion: "v1" as const,
      kind: "Node" as const,
      metadata: { name: "n", labels: { mine: "old", theirs: "x" } },
      spec: { unschedulable: true, taints: [{ key: "t", effect: "NoSchedule" as const }] },
    };
    const wanted = {
      apiVersion: "v1" as const,
      kind: "Node" as const,
      metadata: { name: "n", labels: { mine: "new" } },
      spec: {
        taints: [
          { key: "t", effect: "NoSchedule" as const },
          { key: "u", effect: "NoExecute" as const },
        ],
      },
    };
    const merged = reconcileNode(existing, wanted);
    expect(merged.metadata.labels).toEqual({ mine: "new", theirs: "x" });
    expect(merged.spec).toEqual({
      unschedulable: true,
      taints: [
        { key: "t", effect: "NoSchedule" },
        { key: "u", effect: "NoExecute" },
      ],
    });
    expect(reconcileNode(merged, wanted)).toBe(merged);
  });
});

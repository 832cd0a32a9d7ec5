import type { Node, Pod } from "@minik8s/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningScheduler, startScheduler } from "../../src/run.js";
import {
  createNode,
  defaultProfiles,
  eventsFor,
  NODES,
  PODS,
  podSpec,
  startCluster,
  until,
} from "./harness.js";

const MESSAGE =
  "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient nvidia.com/gpu.";

describe("a pod that fits nowhere", () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let running: RunningScheduler | undefined;

  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await running?.stop();
    await cluster?.close();
  });

  it("is marked Unschedulable with a FailedScheduling event, and scheduled once a GPU is freed", async () => {
    const { client } = cluster;
    await createNode(client, "gpu-a", { gpus: 1, labels: { accelerator: "nvidia" } });
    await createNode(client, "gpu-b", { gpus: 1, labels: { accelerator: "nvidia" } });
    await createNode(client, "cpu-only", {});
    running = await startScheduler({ client, profiles: defaultProfiles() });
    const gpuPod = (name: string) => podSpec(name, { gpus: 1, nodeSelector: { accelerator: "nvidia" } });
    await client.create(gpuPod("train-1"));
    await client.create(gpuPod("train-2"));
    const first = await until("two GPU pods bound", async () => {
      const [a, b] = await Promise.all([
        client.get<Pod>(PODS, "default", "train-1"),
        client.get<Pod>(PODS, "default", "train-2"),
      ]);
      return a.spec.nodeName && b.spec.nodeName ? [a, b] : undefined;
    });
    expect(new Set(first.map((p) => p.spec.nodeName))).toEqual(new Set(["gpu-a", "gpu-b"]));

    await client.create(gpuPod("train-3"));
    const pending = await until("PodScheduled=False on train-3", async () => {
      const pod = await client.get<Pod>(PODS, "default", "train-3");
      const condition = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
      return condition?.status === "False" ? condition : undefined;
    });
    expect(pending.reason).toBe("Unschedulable");
    expect(pending.message).toBe(MESSAGE);
    const failed = await until("a FailedScheduling event", async () => {
      const events = await eventsFor(client, "train-3");
      return events.find((e) => e.reason === "FailedScheduling");
    });
    expect(failed.type).toBe("Warning");
    expect(failed.message).toBe(MESSAGE);
    expect(failed.source?.component).toBe("default-scheduler");
    expect(failed.reportingComponent).toBe("default-scheduler");
    expect(failed.involvedObject).toMatchObject({ kind: "Pod", namespace: "default", name: "train-3" });

    // A label change on a node is an event that could help: the pod is tried again, fails the
    // same way, and the existing Event's count goes up instead of a second Event appearing.
    const cpuOnly = await client.get<Node>(NODES, undefined, "cpu-only");
    await client.update({ ...cpuOnly, metadata: { ...cpuOnly.metadata, labels: { zone: "b" } } });
    const repeated = await until("the FailedScheduling event counted twice", async () => {
      const events = (await eventsFor(client, "train-3")).filter((e) => e.reason === "FailedScheduling");
      return events.length === 1 && (events[0]!.count ?? 0) >= 2 ? events : undefined;
    });
    expect(repeated[0]!.metadata?.name).toBe(failed.metadata?.name);

    await client.delete(PODS, "default", "train-1", { gracePeriodSeconds: 0 });
    const placed = await until("train-3 bound after a GPU was freed", async () => {
      const pod = await client.get<Pod>(PODS, "default", "train-3");
      return pod.spec.nodeName;
    });
    expect(placed).toBe(first[0]!.spec.nodeName);
    const scheduled = await client.get<Pod>(PODS, "default", "train-3");
    expect(scheduled.status?.conditions?.find((c) => c.type === "PodScheduled")?.status).toBe("True");
  });
});

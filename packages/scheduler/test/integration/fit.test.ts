import type { Pod } from "@minik8s/api";
import type { Client } from "@minik8s/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningScheduler, startScheduler } from "../../src/run.js";
import {
  createNode,
  defaultProfiles,
  eventsFor,
  listPods,
  PODS,
  podSpec,
  startCluster,
  until,
} from "./harness.js";

describe("scheduler against a real apiserver", () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  let running: RunningScheduler | undefined;

  beforeAll(async () => {
    cluster = await startCluster();
    client = cluster.client;
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  afterAll(async () => {
    await cluster?.close();
  });

  async function newNamespace(name: string): Promise<string> {
    await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
    return name;
  }

  async function start(): Promise<RunningScheduler> {
    running = await startScheduler({ client, profiles: defaultProfiles() });
    return running;
  }

  it("puts each pod on a node where it fits", async () => {
    await createNode(client, "small", { cpu: "1", labels: { disk: "hdd" } });
    await createNode(client, "big", { cpu: "16", labels: { disk: "hdd" } });
    await createNode(client, "ssd", { cpu: "2", labels: { disk: "ssd" } });
    const ns = await newNamespace("fit");
    await start();
    await client.create(podSpec("wants-ssd", { cpu: "500m", nodeSelector: { disk: "ssd" } }, ns));
    await client.create(podSpec("wants-8-cpus", { cpu: "8" }, ns));
    await client.create(podSpec("ignored", { cpu: "100m", schedulerName: "someone-else" }, ns));
    const placed = await until("both pods bound", async () => {
      const pods = await listPods(client, ns);
      const bound = new Map(
        pods.filter((p) => p.spec.nodeName).map((p) => [p.metadata?.name, p.spec.nodeName]),
      );
      return bound.size >= 2 ? bound : undefined;
    });
    expect(placed.get("wants-ssd")).toBe("ssd");
    expect(placed.get("wants-8-cpus")).toBe("big");
    expect(placed.has("ignored")).toBe(false);

    const pod = await client.get<Pod>(PODS, ns, "wants-8-cpus");
    expect(pod.status?.conditions?.find((c) => c.type === "PodScheduled")?.status).toBe("True");
    const events = await until("the Scheduled event", async () => {
      const list = await eventsFor(client, "wants-8-cpus", ns);
      return list.some((e) => e.reason === "Scheduled") ? list : undefined;
    });
    const scheduled = events.find((e) => e.reason === "Scheduled")!;
    expect(scheduled.message).toBe(`Successfully assigned ${ns}/wants-8-cpus to big`);
    expect(scheduled.type).toBe("Normal");
    expect(scheduled.source?.component).toBe("default-scheduler");
    expect(scheduled.involvedObject.uid).toBe(pod.metadata?.uid);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { podRequests } from "../../src/framework/pod-requests.js";
import { type RunningScheduler, startScheduler } from "../../src/run.js";
import {
  createNode,
  createPods,
  defaultProfiles,
  listPods,
  podSpec,
  startCluster,
  until,
} from "./harness.js";

const NODES = 50;
const PODS = 500;

describe("a burst of pods", () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let running: RunningScheduler | undefined;

  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await running?.stop();
    await cluster?.close();
  });

  it("never over-commits a node: 500 pods filling 50 nodes exactly", async () => {
    const { client } = cluster;
    // 50 nodes × 10 cpu and 500 pods × 1 cpu: every pod fits only if no node ever takes an 11th,
    // so a single over-commit would leave some pod pending and some node over its allocatable.
    for (let i = 0; i < NODES; i++) await createNode(client, `node-${i}`, { cpu: "10", memory: "20Gi" });
    running = await startScheduler({ client, profiles: defaultProfiles() });
    const pods = Array.from({ length: PODS }, (_, i) => podSpec(`burst-${i}`, { cpu: "1", memory: "1Gi" }));
    await createPods(client, pods, 50);

    const bound = await until(
      "every pod bound",
      async () => {
        const all = await listPods(client);
        return all.filter((p) => p.spec.nodeName).length === PODS ? all : undefined;
      },
      60_000,
    );
    const cpuByNode = new Map<string, bigint>();
    const memoryByNode = new Map<string, bigint>();
    for (const pod of bound) {
      const requests = podRequests(pod);
      const node = pod.spec.nodeName!;
      cpuByNode.set(node, (cpuByNode.get(node) ?? 0n) + (requests.cpu ?? 0n));
      memoryByNode.set(node, (memoryByNode.get(node) ?? 0n) + (requests.memory ?? 0n));
    }
    expect(cpuByNode.size).toBe(NODES);
    for (const [node, cpu] of cpuByNode) {
      expect({ node, cpu }).toEqual({ node, cpu: 10_000n });
      expect(memoryByNode.get(node)! <= 20n * 1024n ** 3n).toBe(true);
    }
    expect(running.scheduler.stats.bound).toBe(PODS);
  }, 120_000);
});

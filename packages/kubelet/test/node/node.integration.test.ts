import type { Lease, Node } from "@minik8s/api";
import { FakeClock } from "@minik8s/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEASES, LeaseHeartbeat } from "../../src/node/lease-heartbeat.js";
import { NODES, registerNode } from "../../src/node/node-registration.js";
import { NodeStatusUpdater } from "../../src/node/node-status.js";
import { MACHINE, startCluster, type TestCluster, until } from "../support.js";

describe("node registration, status and lease against a real apiserver", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it("registers, then re-adopts the same Node keeping what others set", async () => {
    const reg = { nodeName: "n1", architecture: "amd64", labels: { pool: "a" }, taints: [] };
    const first = await registerNode(cluster.client, reg);
    expect(first).toMatchObject({ ok: true, adopted: false });
    const node = await cluster.client.get<Node>(NODES, undefined, "n1");
    expect(node.metadata.labels).toEqual({
      pool: "a",
      "kubernetes.io/hostname": "n1",
      "kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64",
    });
    await cluster.client.update({ ...node, spec: { ...node.spec, unschedulable: true } });
    const again = await registerNode(cluster.client, {
      ...reg,
      taints: [{ key: "gpu", value: "true", effect: "NoSchedule" }],
    });
    expect(again).toMatchObject({ ok: true, adopted: true });
    const adopted = await cluster.client.get<Node>(NODES, undefined, "n1");
    expect(adopted.metadata.uid).toBe(node.metadata.uid);
    expect(adopted.spec).toMatchObject({
      unschedulable: true,
      taints: [{ key: "gpu", value: "true", effect: "NoSchedule" }],
    });
  });

  it("posts status when it changes, and at least every minute", async () => {
    const clock = new FakeClock();
    let runtimeUp = true;
    const updater = new NodeStatusUpdater({
      client: cluster.client,
      nodeName: "n1",
      clock,
      facts: async () => ({
        machine: MACHINE,
        kubeletVersion: "v-test",
        runtime: runtimeUp
          ? { ok: true, version: { name: "sim", version: "0.1.0" } }
          : { ok: false, message: "down" },
      }),
    });
    expect(await updater.syncOnce()).toBe(true);
    const node = await cluster.client.get<Node>(NODES, undefined, "n1");
    expect(node.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    clock.advance(10_000);
    expect(await updater.syncOnce()).toBe(false);
    runtimeUp = false;
    expect(await updater.syncOnce()).toBe(true);
    const down = await cluster.client.get<Node>(NODES, undefined, "n1");
    expect(down.status?.conditions?.find((c) => c.type === "Ready")?.reason).toBe("KubeletNotReady");
    clock.advance(10_000);
    expect(await updater.syncOnce()).toBe(false);
    clock.advance(60_000);
    expect(await updater.syncOnce()).toBe(true);
  });

  it("creates the node lease, then renews it every 10 s", async () => {
    const clock = new FakeClock();
    const node = await cluster.client.get<Node>(NODES, undefined, "n1");
    const heartbeat = new LeaseHeartbeat({
      client: cluster.client,
      nodeName: "n1",
      nodeUid: node.metadata.uid,
      clock,
    });
    heartbeat.start();
    const read = () => cluster.client.get<Lease>(LEASES, "kube-node-lease", "n1").catch(() => undefined);
    await until("lease created", async () => (await read()) !== undefined);
    const first = (await read())!;
    expect(first.spec).toMatchObject({ holderIdentity: "n1", leaseDurationSeconds: 40 });
    expect(first.metadata.ownerReferences?.[0]).toMatchObject({ kind: "Node", name: "n1" });
    await until("renewal scheduled", () => clock.waiters() > 0);
    clock.advance(10_000);
    await until("lease renewed", async () => (await read())?.spec?.renewTime !== first.spec?.renewTime);
    expect(Date.parse((await read())!.spec!.renewTime!) - Date.parse(first.spec!.renewTime!)).toBe(10_000);
    heartbeat.stop();
  });
});

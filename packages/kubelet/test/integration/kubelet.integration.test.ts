import { isNotFound, type Lease, type Node, type Pod } from "@minik8s/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devicesFor } from "../../src/gpu/device-manager.js";
import { Kubelet } from "../../src/kubelet.js";
import { LEASES } from "../../src/node/lease-heartbeat.js";
import { NODES } from "../../src/node/node-registration.js";
import { LABELS } from "../../src/runtime/container-runtime.js";
import { SimRuntime } from "../../src/runtime/sim-runtime.js";
import { PODS } from "../../src/status/status-writer.js";
import { MACHINE, startCluster, type TestCluster, until } from "../support.js";

const NODE = "sim-node-1";

function pod(name: string, extra: Partial<Pod["spec"]> = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: {
      nodeName: NODE,
      containers: [
        { name: "web", image: "minik8s/busybox:1" },
        { name: "side", image: "minik8s/busybox:1" },
      ],
      ...extra,
    },
  };
}

describe("kubelet with the sim runtime against a real apiserver", () => {
  let cluster: TestCluster;
  const sim = new SimRuntime({ images: ["minik8s/busybox:1"] });
  let kubelet: Kubelet;

  const startKubelet = async () => {
    kubelet = new Kubelet({
      client: cluster.client,
      nodeName: NODE,
      runtime: sim,
      rootDir: cluster.dir,
      gpus: await devicesFor({ kind: "simulated", count: 1 }),
      nodeLabels: { pool: "sim" },
      taints: [],
      machine: MACHINE,
      relistPeriodMs: 20,
    });
    await kubelet.start();
  };
  const getPod = (name: string) => cluster.client.get<Pod>(PODS, "default", name);
  const containersOf = (uid: string) => sim.all().filter((c) => c.labels[LABELS.podUid] === uid);

  beforeAll(async () => {
    cluster = await startCluster();
    await startKubelet();
  });
  afterAll(async () => {
    await kubelet?.stop();
    await cluster?.close();
  });

  it("registers its node Ready, with GPU capacity and labels, and holds a lease", async () => {
    await until("node Ready", async () => {
      const node = await cluster.client.get<Node>(NODES, undefined, NODE).catch(() => undefined);
      return node?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
    });
    const node = await cluster.client.get<Node>(NODES, undefined, NODE);
    expect(node.metadata.labels).toMatchObject({
      pool: "sim",
      "kubernetes.io/hostname": NODE,
      "nvidia.com/gpu.count": "1",
    });
    expect(node.status?.capacity).toMatchObject({ pods: "110", "nvidia.com/gpu": "1", cpu: "4" });
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toBe("sim://0.1.0");
    const lease = await cluster.client.get<Lease>(LEASES, "kube-node-lease", NODE);
    expect(lease.spec?.holderIdentity).toBe(NODE);
  });

  it("runs a pod bound to it and reports Running with the right status", async () => {
    const created = await cluster.client.create(pod("web"));
    await until("pod Running", async () => (await getPod("web")).status?.phase === "Running");
    const running = await getPod("web");
    const sandbox = containersOf(created.metadata.uid!).find((c) => c.kind === "sandbox")!;
    expect(running.status).toMatchObject({
      phase: "Running",
      podIP: sandbox.ip,
      hostIP: MACHINE.internalIP,
      qosClass: "BestEffort",
    });
    expect(running.status?.conditions?.map((c) => [c.type, c.status])).toEqual([
      ["Initialized", "True"],
      ["Ready", "True"],
      ["ContainersReady", "True"],
      ["PodScheduled", "True"],
    ]);
    expect(running.status?.containerStatuses?.map((s) => [s.name, s.ready, s.restartCount])).toEqual([
      ["web", true, 0],
      ["side", true, 0],
    ]);
  });

  it("rejects a pod asking for more GPUs than are free", async () => {
    const gpu = (n: number) => ({ limits: { "nvidia.com/gpu": String(n) } });
    await cluster.client.create(
      pod("greedy", { containers: [{ name: "t", image: "minik8s/busybox:1", resources: gpu(2) }] }),
    );
    await until("pod rejected", async () => (await getPod("greedy")).status?.phase === "Failed");
    expect((await getPod("greedy")).status).toMatchObject({ reason: "OutOfnvidia.com/gpu" });
  });

  it("after a restart adopts its containers without duplicates, and removes orphans", async () => {
    const web = await getPod("web");
    const orphan = await cluster.client.create(pod("orphan"));
    await until("orphan Running", async () => (await getPod("orphan")).status?.phase === "Running");
    const before = containersOf(web.metadata.uid!).map((c) => c.id);
    await kubelet.stop();
    // While no kubelet runs, the pod goes away for good (forced, as a person could).
    await cluster.client.delete(PODS, "default", "orphan", { gracePeriodSeconds: 0 });
    expect(containersOf(orphan.metadata.uid!).filter((c) => c.state === "running")).toHaveLength(3);
    await startKubelet();
    await until("orphan removed", () => containersOf(orphan.metadata.uid!).length === 0);
    await kubelet.idle();
    expect(containersOf(web.metadata.uid!).map((c) => c.id)).toEqual(before);
    expect((await getPod("web")).status?.phase).toBe("Running");
  });

  it("deletes a pod gracefully: containers stopped and removed, then the deletion confirmed", async () => {
    const web = await getPod("web");
    await cluster.client.delete(PODS, "default", "web");
    await until("pod gone from the API", () =>
      getPod("web").then(
        () => false,
        (err) => isNotFound(err),
      ),
    );
    expect(containersOf(web.metadata.uid!)).toEqual([]);
  });
});

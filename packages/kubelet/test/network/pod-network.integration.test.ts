import { type KindInfo, kindForApiVersion, type Node, type Pod } from "@minik8s/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kubelet } from "../../src/kubelet.js";
import type { PodNetworkDriver } from "../../src/network/docker-pod-network.js";
import type { RuntimeResult, SandboxConfig } from "../../src/runtime/container-runtime.js";
import { SimRuntime } from "../../src/runtime/sim-runtime.js";
import { PODS } from "../../src/status/status-writer.js";
import { MACHINE, startCluster, type TestCluster, until } from "../support.js";

const NODE = "sim-net-node";
const NODES = kindForApiVersion("v1", "Node") as KindInfo;

/** The simulated runtime, remembering the sandbox configs it was given. */
class RecordingRuntime extends SimRuntime {
  readonly sandboxes: SandboxConfig[] = [];
  override async runSandbox(config: SandboxConfig): Promise<RuntimeResult<string>> {
    this.sandboxes.push(config);
    return super.runSandbox(config);
  }
}

/** A driver that makes nothing and records what it was asked. */
class FakeDriver implements PodNetworkDriver {
  readonly ensured: string[] = [];
  async ensure(nodeName: string, podCIDR: string): Promise<string> {
    this.ensured.push(`${nodeName} ${podCIDR}`);
    return `net-${nodeName}`;
  }
  async remove(): Promise<undefined> {
    return undefined;
  }
}

describe("the kubelet's pod network wiring (sim runtime)", () => {
  let cluster: TestCluster;
  let kubelet: Kubelet;
  const runtime = new RecordingRuntime({ images: ["minik8s/busybox:1"] });
  const driver = new FakeDriver();

  beforeAll(async () => {
    cluster = await startCluster();
    kubelet = new Kubelet({
      client: cluster.client,
      nodeName: NODE,
      runtime,
      rootDir: cluster.dir,
      machine: MACHINE,
      relistPeriodMs: 20,
      podNetwork: driver,
      // No IPAM runs here: the kubelet gives up waiting at once and keeps looking in the background.
      podCIDRWaitMs: 0,
      hostDns: { nameservers: ["192.0.2.53"], searches: ["corp.example"], options: [] },
    });
    await kubelet.start();
  });
  afterAll(async () => {
    await kubelet?.stop();
    await cluster?.close();
  });

  const pod = (name: string, spec: Partial<Pod["spec"]> = {}): Pod => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "shop" },
    spec: { nodeName: NODE, containers: [{ name: "app", image: "minik8s/busybox:1" }], ...spec },
  });

  it("runs pods on the default network until the node has a pod CIDR", async () => {
    expect(kubelet.podNetwork).toEqual({});
    await cluster.client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } });
    await cluster.client.create(pod("early"));
    await until("a sandbox for early", () =>
      runtime.sandboxes.some((s) => s.labels["io.kubernetes.pod.name"] === "early"),
    );
    const early = runtime.sandboxes.find((s) => s.labels["io.kubernetes.pod.name"] === "early");
    expect(early?.network).toBeUndefined();
    expect(early?.dns).toBeUndefined();
  });

  it("takes a pod CIDR assigned later, and gives pods its network and the cluster DNS", async () => {
    await cluster.client.patch(NODES, undefined, NODE, "application/merge-patch+json", {
      spec: { podCIDR: "10.244.7.0/24", podCIDRs: ["10.244.7.0/24"] },
    });
    await until("the pod network", () => kubelet.podNetwork.network !== undefined, 1000);
    expect(driver.ensured).toEqual([`${NODE} 10.244.7.0/24`]);
    expect(kubelet.podNetwork).toEqual({
      podCIDR: "10.244.7.0/24",
      network: `net-${NODE}`,
      clusterDNS: "10.244.7.1",
    });

    await cluster.client.create(pod("late"));
    await cluster.client.create(pod("host", { hostNetwork: true }));
    await until("sandboxes for late and host", () =>
      ["late", "host"].every((n) => runtime.sandboxes.some((s) => s.labels["io.kubernetes.pod.name"] === n)),
    );
    const late = runtime.sandboxes.find((s) => s.labels["io.kubernetes.pod.name"] === "late");
    expect(late?.network).toBe(`net-${NODE}`);
    expect(late?.dns).toEqual({
      nameservers: ["10.244.7.1"],
      searches: ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example"],
      options: ["ndots:5"],
    });
    const host = runtime.sandboxes.find((s) => s.labels["io.kubernetes.pod.name"] === "host");
    expect(host).toMatchObject({ network: "host" });
    await until("the hostNetwork pod's IP", async () => {
      const p = await cluster.client.get<Pod>(PODS, "shop", "host");
      return p.status?.podIP === MACHINE.internalIP;
    });
    const node = await cluster.client.get<Node>(NODES, undefined, NODE);
    expect(node.spec?.podCIDR).toBe("10.244.7.0/24");
  });
});

import { kindForApiVersion } from "@minik8s/api/registry";
import type { Node } from "@minik8s/api/schemas/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestCluster, waitFor } from "./support/cluster.js";

const NODES = kindForApiVersion("v1", "Node")!;

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start({
    manager: { controllers: ["nodeipam"], clusterCIDR: "10.100.0.0/22", nodeCIDRMaskSize: 24 },
  });
});

afterAll(async () => {
  await cluster?.stop();
});

async function cidrs(): Promise<Map<string, string | undefined>> {
  const nodes = (await cluster.client.list<Node>(NODES)).items;
  return new Map(nodes.map((n) => [n.metadata.name ?? "", n.spec?.podCIDR]));
}

function bareNode(name: string): Node {
  return { apiVersion: "v1", kind: "Node", metadata: { name } };
}

async function podCIDROf(name: string): Promise<string> {
  return waitFor(`a pod CIDR on ${name}`, async () => {
    const node = await cluster.client.get<Node>(NODES, undefined, name);
    return node.spec?.podCIDR;
  });
}

describe("node IPAM controller", () => {
  it("gives every node its own pod CIDR from the cluster CIDR", async () => {
    const a = await podCIDROf("sim-1");
    const b = await podCIDROf("sim-2");
    expect(a).not.toBe(b);
    for (const c of [a, b]) expect(c).toMatch(/^10\.100\.[0-3]\.0\/24$/);
    const node = await cluster.client.get<Node>(NODES, undefined, "sim-1");
    expect(node.spec?.podCIDRs).toEqual([a]);
  });

  it("keeps a node's CIDR once set: the apiserver refuses to change it", async () => {
    const a = await podCIDROf("sim-1");
    await expect(
      cluster.client.patch(NODES, undefined, "sim-1", "application/merge-patch+json", {
        spec: { podCIDR: "10.100.3.0/24", podCIDRs: ["10.100.3.0/24"] },
      }),
    ).rejects.toThrow(/podCIDR/);
    // podCIDR alone is podCIDRs[0] as the apiserver stores it: a different one does not stick.
    await cluster.client.patch(NODES, undefined, "sim-1", "application/merge-patch+json", {
      spec: { podCIDR: "10.100.3.0/24" },
    });
    expect((await cidrs()).get("sim-1")).toBe(a);
  });

  it("rebuilds the used set after a restart and releases a deleted node's CIDR", async () => {
    await cluster.client.create(bareNode("extra-1"));
    const extra = await podCIDROf("extra-1");
    await cluster.restartManager();
    await cluster.client.create(bareNode("extra-2"));
    const second = await podCIDROf("extra-2");
    const all = await cidrs();
    expect(new Set(all.values()).size).toBe(all.size);
    expect(all.size).toBe(4);

    // The /22 holds four /24s, all taken: a fifth node waits until one is released.
    await cluster.client.create(bareNode("extra-3"));
    await new Promise((r) => setTimeout(r, 300));
    expect((await cidrs()).get("extra-3")).toBeUndefined();
    await cluster.client.delete(NODES, undefined, "extra-1");
    await cluster.client.delete(NODES, undefined, "extra-3");
    await cluster.client.create(bareNode("extra-4"));
    expect(await podCIDROf("extra-4")).toBe(extra);
    expect(second).not.toBe(extra);
    await cluster.client.delete(NODES, undefined, "extra-2");
    await cluster.client.delete(NODES, undefined, "extra-4");
  });
});

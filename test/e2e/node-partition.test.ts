import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canMakeNetns, NetnsCluster } from "../support/netns-cluster.js";

/**
 * Fault tolerance end to end: two kubelet processes in network namespaces of their own; one
 * node's veth goes down, its pods are evicted and run on the other node; the link comes back, the
 * node is Ready and its evicted pods are gone. `npm run bench:nodefailure` times the same round.
 */
const supported = canMakeNetns();
if (!supported && !process.env.CI) {
  console.warn("\n!!! SKIPPING the network-namespace node failure test: needs root and iproute2.\n");
}

describe.runIf(supported || process.env.CI)("a kubelet in its own network namespace, cut off", () => {
  const cluster = new NetnsCluster({
    gracePeriodMs: 4_000,
    tolerationSeconds: 2,
    heartbeatMs: 500,
    verbose: Boolean(process.env.MINIK8S_TEST_LOG),
  });

  beforeAll(async () => {
    await cluster.start();
    await cluster.deploy(4);
  }, 180_000);

  afterAll(async () => {
    await cluster.stop();
  }, 60_000);

  it("evicts and reschedules the pods of a node whose link goes down, and takes it back", async () => {
    const { lost, kept } = await cluster.round(4);
    expect(lost).not.toBe(kept);
    const pods = await cluster.webPods();
    expect(pods.map((p) => p.spec.nodeName)).toEqual([kept, kept, kept, kept]);
    expect(pods.every((p) => !p.metadata.deletionTimestamp)).toBe(true);
  }, 120_000);
});

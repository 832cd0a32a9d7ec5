import { kindForApiVersion } from "@minik8s/api/registry";
import type { Event, Node, Pod } from "@minik8s/api/schemas/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestCluster, waitFor } from "./support/cluster.js";
import { deployment } from "./support/objects.js";

/**
 * A node lost and found, with the real scheduler, two kubelets on the simulated runtime and the
 * controllers: one kubelet's link to the apiserver is cut (PartitionProxy), the node lifecycle
 * controller marks it Unknown and taints it, the taint eviction controller deletes its pods once
 * their (short) tolerations run out, the Deployment's replacements run on the other node; healed,
 * the kubelet stops the containers of the pods deleted meanwhile and the node is Ready again.
 */
const PODS = kindForApiVersion("v1", "Pod")!;
const NODES = kindForApiVersion("v1", "Node")!;
const EVENTS = kindForApiVersion("v1", "Event")!;
const NS = "node-failure";
const UNREACHABLE = "node.kubernetes.io/unreachable";
const NOT_READY = "node.kubernetes.io/not-ready";

/** The kubelet's watch comes back after its reconnect backoff (doubling from 0.8 s): patience. */
const AFTER_HEAL = { timeoutMs: 45_000 };

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start({
    partitionable: true,
    // A kubelet that renews its Lease every 200 ms; a controller that gives up on it after 1.5 s.
    kubelet: { nodeLeaseRenewMs: 200, nodeStatusUpdateFrequencyMs: 200 },
    manager: {
      nodeLifecycle: { gracePeriodMs: 1_500, monitorPeriodMs: 200, evictionRate: 10, evictionBurst: 2 },
    },
  });
  await cluster.client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
});

afterAll(async () => {
  await cluster?.stop();
});

const isReady = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
const nodeReady = (node: Node) => node.status?.conditions?.find((c) => c.type === "Ready")?.status;

async function pods(selector: string): Promise<Pod[]> {
  return (await cluster.client.list<Pod>(PODS, { namespace: NS, labelSelector: selector })).items;
}

describe("a node cut off from the control plane", () => {
  it("loses its pods to the other node, keeps the pods tolerating for ever, and comes back clean", async () => {
    const web = deployment(NS, "web", 4);
    web.spec.template.spec = {
      ...web.spec.template.spec,
      tolerations: [
        { key: UNREACHABLE, operator: "Exists", effect: "NoExecute", tolerationSeconds: 1 },
        { key: NOT_READY, operator: "Exists", effect: "NoExecute", tolerationSeconds: 1 },
      ],
    };
    await cluster.client.create(web);
    const running = await waitFor("4 web pods ready", async () => {
      const list = await pods("app=web");
      return list.length === 4 && list.every(isReady) ? list : undefined;
    });
    // The node with most web pods is the one to lose (the scheduler may put all four on one).
    const count = (node: string) => running.filter((p) => p.spec.nodeName === node).length;
    const lost = count("sim-1") >= count("sim-2") ? 1 : 2;
    const lostName = `sim-${lost}`;
    const otherName = `sim-${3 - lost}`;
    const stale = running.filter((p) => p.spec.nodeName === lostName);
    expect(stale.length).toBeGreaterThan(0);
    await cluster.client.create<Pod>({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "stays", namespace: NS, labels: { app: "stays" } },
      spec: {
        nodeName: lostName,
        containers: [{ name: "app", image: "web:1" }],
        tolerations: [{ key: UNREACHABLE, operator: "Exists", effect: "NoExecute" }],
        terminationGracePeriodSeconds: 1,
      },
    });
    await waitFor("pod stays ready", async () => (await pods("app=stays")).every(isReady) || undefined);

    cluster.partitions[lost - 1]!.cut();

    const down = await waitFor("lost node Unknown and tainted", async () => {
      const node = await cluster.client.get<Node>(NODES, undefined, lostName);
      const keys = (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
      return nodeReady(node) === "Unknown" && keys.includes(`${UNREACHABLE}:NoExecute`) ? node : undefined;
    });
    expect(down.status?.conditions?.find((c) => c.type === "Ready")?.reason).toBe("NodeStatusUnknown");

    const moved = await waitFor(
      "4 web pods ready on the other node",
      async () => {
        const live = (await pods("app=web")).filter((p) => !p.metadata.deletionTimestamp);
        return live.length === 4 && live.every((p) => p.spec.nodeName === otherName && isReady(p))
          ? live
          : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(moved.map((p) => p.metadata.uid)).not.toContain(stale[0]!.metadata.uid);
    // The old pods wait, Terminating, for a kubelet that cannot confirm their end.
    const terminating = (await pods("app=web")).filter((p) => p.metadata.deletionTimestamp);
    expect(terminating.map((p) => p.metadata.uid).sort()).toEqual(stale.map((p) => p.metadata.uid).sort());
    const [stays] = await pods("app=stays");
    expect(stays?.metadata.deletionTimestamp).toBeUndefined();
    expect(stays?.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
    const evictions = (await cluster.client.list<Event>(EVENTS, { namespace: NS })).items.filter(
      (e) => e.reason === "TaintManagerEviction",
    );
    expect(evictions.map((e) => e.message).sort()).toEqual(
      stale.map((p) => `Marking for deletion Pod ${NS}/${p.metadata.name}`).sort(),
    );

    // One of them force-deleted meanwhile (`kubectl delete --force --grace-period=0`): gone from the
    // API at once, so the kubelet, back, finds its containers orphaned and must stop them itself.
    const runtime = cluster.runtimes[lost - 1]!;
    const orphan = stale[0]!;
    expect(runtime.running(orphan.metadata.uid ?? "", "app")).toBeDefined();
    await cluster.client.delete(PODS, NS, orphan.metadata.name ?? "", { gracePeriodSeconds: 0 });

    cluster.partitions[lost - 1]!.heal();

    await waitFor(
      "lost node Ready and untainted",
      async () => {
        const node = await cluster.client.get<Node>(NODES, undefined, lostName);
        return nodeReady(node) === "True" && (node.spec?.taints ?? []).length === 0;
      },
      AFTER_HEAL,
    );
    await waitFor(
      "stale pods gone from the API",
      async () => (await pods("app=web")).length === 4,
      AFTER_HEAL,
    );
    const staleUids = new Set(stale.map((p) => p.metadata.uid));
    await waitFor(
      "stale containers stopped",
      () =>
        runtime
          .all()
          .every((c) => !staleUids.has(c.labels["io.kubernetes.pod.uid"]) || c.state !== "running"),
      AFTER_HEAL,
    );
    const [back] = await waitFor(
      "the pod that stayed ready again",
      async () => {
        const list = await pods("app=stays");
        return list.every(isReady) ? list : undefined;
      },
      AFTER_HEAL,
    );
    expect(back?.spec.nodeName).toBe(lostName);
  }, 150_000);
});

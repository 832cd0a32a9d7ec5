import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kindForApiVersion } from "@minik8s/api/registry";
import type { Lease } from "@minik8s/api/schemas/coordination";
import type { Event, Node, Pod, Taint } from "@minik8s/api/schemas/core";
import { isNotFound } from "@minik8s/api/status-error";
import { microTime, rfc3339 } from "@minik8s/api/time";
import { type ApiServer, startApiServer } from "@minik8s/apiserver";
import { Client, EventRecorder, FakeClock } from "@minik8s/client";
import { afterEach, describe, expect, it } from "vitest";
import type { Controller, QueueController } from "../src/controller.js";
import {
  NodeLifecycleController,
  type NodeLifecycleSettings,
} from "../src/controllers/node-lifecycle/node-lifecycle-controller.js";
import {
  evictionTime,
  TaintEvictionController,
} from "../src/controllers/node-lifecycle/taint-eviction-controller.js";
import { TokenBucket } from "../src/controllers/node-lifecycle/token-bucket.js";
import { zoneState, zoneStates } from "../src/controllers/node-lifecycle/zones.js";
import { SharedInformers } from "../src/informers.js";
import { waitFor } from "./support/cluster.js";

const NODES = kindForApiVersion("v1", "Node")!;
const PODS = kindForApiVersion("v1", "Pod")!;
const LEASES = kindForApiVersion("coordination.k8s.io/v1", "Lease")!;
const EVENTS = kindForApiVersion("v1", "Event")!;
const UNREACHABLE = "node.kubernetes.io/unreachable";
const NOT_READY = "node.kubernetes.io/not-ready";

describe("zones, token bucket and eviction times (pure)", () => {
  it("computes zone states as Kubernetes' ComputeZoneState", () => {
    expect(zoneState(3, 0, 0.55)).toBe("Normal");
    expect(zoneState(0, 1, 0.55)).toBe("FullDisruption");
    expect(zoneState(1, 2, 0.55)).toBe("Normal"); // two down is never a partial disruption
    expect(zoneState(2, 3, 0.55)).toBe("PartialDisruption");
    expect(zoneState(3, 3, 0.55)).toBe("Normal");
    const node = (name: string, zone: string) =>
      ({ metadata: { name, labels: { "topology.kubernetes.io/zone": zone } } }) as unknown as Node;
    const states = zoneStates(
      [node("a", "z1"), node("b", "z2"), node("c", "z2")],
      (n) => n.metadata.name === "b",
      0.55,
    );
    expect(states).toEqual(
      new Map([
        ["/z1", "FullDisruption"],
        ["/z2", "Normal"],
      ]),
    );
  });

  it("hands out burst tokens, then one per 1/qps", () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(2, 2, clock);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, false]);
    expect(bucket.msUntilToken()).toBe(500);
    clock.advance(499);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(1);
    expect(bucket.tryTake()).toBe(true);
    expect(new TokenBucket(0, 0, clock).msUntilToken()).toBe(Number.POSITIVE_INFINITY);
  });

  it("times an eviction from timeAdded and the shortest matching tolerationSeconds", () => {
    const added = Date.parse("2024-01-01T00:00:00Z");
    const taint: Taint = { key: UNREACHABLE, effect: "NoExecute", timeAdded: rfc3339(added) };
    const since = () => 0;
    expect(evictionTime(undefined, [taint], since)).toEqual({ at: Number.NEGATIVE_INFINITY });
    expect(evictionTime([{ key: "other", operator: "Exists" }], [taint], since)).toEqual({
      at: Number.NEGATIVE_INFINITY,
    });
    expect(
      evictionTime([{ key: UNREACHABLE, operator: "Exists", effect: "NoExecute" }], [taint], since),
    ).toBe("never");
    expect(
      evictionTime(
        [{ key: UNREACHABLE, operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 }],
        [taint],
        since,
      ),
    ).toEqual({ at: added + 30_000 });
    // Negative seconds mean at once; a taint without timeAdded is dated by `since`.
    expect(
      evictionTime([{ operator: "Exists", effect: "NoExecute", tolerationSeconds: -5 }], [taint], since),
    ).toEqual({ at: added });
    const undated: Taint = { key: NOT_READY, effect: "NoExecute" };
    expect(
      evictionTime(
        [
          { key: UNREACHABLE, operator: "Exists", tolerationSeconds: 60 },
          { key: NOT_READY, operator: "Exists", tolerationSeconds: 10 },
        ],
        [taint, undated],
        () => added + 5_000,
      ),
    ).toEqual({ at: added + 15_000 });
  });
});

/** An apiserver, a FakeClock and the two controllers; nodes and leases are written by the test. */
class Harness {
  private readonly abort = new AbortController();
  private running: Promise<unknown> | undefined;
  private constructor(
    readonly server: ApiServer,
    readonly client: Client,
    readonly clock: FakeClock,
    private readonly informers: SharedInformers,
    private readonly controllers: Controller[],
    private readonly events: EventRecorder,
    private readonly dataDir: string,
  ) {}

  static async start(settings: NodeLifecycleSettings = {}, which = { lifecycle: true, eviction: true }) {
    const dataDir = await mkdtemp(join(tmpdir(), "minik8s-nlc-"));
    const server = await startApiServer({ dataDir, port: 0, logger: false });
    const client = new Client({ server: server.url });
    const clock = new FakeClock(Date.now());
    const informers = new SharedInformers(client);
    const events = new EventRecorder({ client, component: "test", clock });
    const log = { debug() {}, info() {}, warn() {}, error() {} };
    const controllers: Controller[] = [];
    if (which.lifecycle) {
      controllers.push(
        new NodeLifecycleController({
          client,
          informers,
          events,
          log,
          clock,
          monitorPeriodMs: 5_000,
          ...settings,
        }),
      );
    }
    if (which.eviction)
      controllers.push(new TaintEvictionController({ client, informers, events, log, clock }));
    return new Harness(server, client, clock, informers, controllers, events, dataDir);
  }

  async run(): Promise<void> {
    this.informers.start();
    await this.informers.waitForSync();
    this.running = Promise.all(this.controllers.map((c) => c.run(1, this.abort.signal)));
  }

  /** Moves the fake clock once the controllers have seen everything and sleep on their timers. */
  async advance(ms: number): Promise<void> {
    await this.settle();
    this.clock.advance(ms);
    await this.settle();
  }

  /** Real time for informer events and reconciles to run their course: until the queues stay empty. */
  async settle(): Promise<void> {
    const deadline = Date.now() + 5_000;
    let quiet = 0;
    while (quiet < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      quiet = this.controllers.every((c) => (c as QueueController).queue.length === 0) ? quiet + 1 : 0;
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await this.informers.stop();
    await this.events.flush();
    this.client.close();
    await this.server.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  async addNode(
    name: string,
    ready: "True" | "False" = "True",
    labels: Record<string, string> = {},
  ): Promise<void> {
    const node = await this.client.create<Node>({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels },
    });
    await this.postStatus(node, ready);
    await this.client.create<Lease>({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name, namespace: "kube-node-lease" },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(this.clock.now()) },
    });
  }

  /** What a kubelet does: renew the Lease, and post the Ready condition when it changed. */
  async heartbeat(name: string, ready?: "True" | "False"): Promise<void> {
    const lease = await this.client.get<Lease>(LEASES, "kube-node-lease", name);
    await this.client.update<Lease>({
      ...lease,
      spec: { ...lease.spec, renewTime: microTime(this.clock.now()) },
    });
    if (ready) await this.postStatus(await this.node(name), ready);
  }

  private async postStatus(node: Node, ready: "True" | "False"): Promise<void> {
    const now = rfc3339(this.clock.now());
    await this.client.updateStatus<Node>({
      ...node,
      status: {
        conditions: [
          {
            type: "Ready",
            status: ready,
            reason: ready === "True" ? "KubeletReady" : "KubeletNotReady",
            lastHeartbeatTime: now,
            lastTransitionTime: now,
          },
        ],
      },
    });
  }

  node(name: string): Promise<Node> {
    return this.client.get<Node>(NODES, undefined, name);
  }

  async addPod(
    name: string,
    nodeName: string,
    tolerations: NonNullable<Pod["spec"]["tolerations"]> = [],
  ): Promise<Pod> {
    // Bound at creation, as a kubelet-less test can; no DefaultTolerationSeconds surprises: the
    // test says which tolerations it means (an empty list still gets the 300 s defaults).
    const pod = await this.client.create<Pod>({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: "default" },
      spec: {
        nodeName,
        containers: [{ name: "app", image: "web:1" }],
        tolerations,
        terminationGracePeriodSeconds: 30,
      },
    });
    return this.client.updateStatus<Pod>({
      ...pod,
      status: {
        phase: "Running",
        conditions: [{ type: "Ready", status: "True", lastTransitionTime: rfc3339(this.clock.now()) }],
      },
    });
  }

  /** The pod, or undefined once it is gone or being deleted. */
  async livePod(name: string): Promise<Pod | undefined> {
    try {
      const pod = await this.client.get<Pod>(PODS, "default", name);
      return pod.metadata.deletionTimestamp ? undefined : pod;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async events_(reason: string): Promise<Event[]> {
    await this.events.flush();
    return (await this.client.list<Event>(EVENTS, {})).items.filter((e) => e.reason === reason);
  }
}

const taintKeys = (node: Node) => (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
const readyOf = (node: Node) => node.status?.conditions?.find((c) => c.type === "Ready");

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("node lifecycle controller", () => {
  it("marks a silent node Unknown after the grace period, taints it, and clears it when it is back", async () => {
    h = await Harness.start(
      { gracePeriodMs: 40_000, zoneDisruptionGuard: false },
      { lifecycle: true, eviction: false },
    );
    await h.addNode("n1");
    await h.run();
    await h.advance(39_000);
    expect(readyOf(await h.node("n1"))?.status).toBe("True");
    expect(taintKeys(await h.node("n1"))).toEqual([]);

    await h.advance(2_000);
    const down = await waitFor("n1 Unknown and tainted", async () => {
      const node = await h!.node("n1");
      return readyOf(node)?.status === "Unknown" && taintKeys(node).length === 2 ? node : undefined;
    });
    expect(readyOf(down)).toMatchObject({
      status: "Unknown",
      reason: "NodeStatusUnknown",
      message: "Kubelet stopped posting node status.",
    });
    expect(taintKeys(down)).toEqual([`${UNREACHABLE}:NoExecute`, `${UNREACHABLE}:NoSchedule`]);
    const noExecute = down.spec?.taints?.find((t) => t.effect === "NoExecute");
    expect(noExecute?.timeAdded).toBe(rfc3339(h.clock.now()));
    expect((await h.events_("NodeNotReady")).map((e) => e.message)).toContain(
      "Node n1 status is now: NodeNotReady",
    );

    // The kubelet is back: its lease renews and it posts Ready=True.
    await h.heartbeat("n1", "True");
    await waitFor("n1 untainted", async () => taintKeys(await h!.node("n1")).length === 0);
    expect(readyOf(await h.node("n1"))?.status).toBe("True");
    expect((await h.events_("NodeReady")).map((e) => e.message)).toContain(
      "Node n1 status is now: NodeReady",
    );
  });

  it("keeps a node whose lease is renewed alive, however long", async () => {
    h = await Harness.start(
      { gracePeriodMs: 40_000, zoneDisruptionGuard: false },
      { lifecycle: true, eviction: false },
    );
    await h.addNode("n1");
    await h.run();
    for (let i = 0; i < 6; i++) {
      await h.advance(10_000);
      await h.heartbeat("n1");
    }
    await h.settle();
    expect(readyOf(await h.node("n1"))?.status).toBe("True");
    expect(taintKeys(await h.node("n1"))).toEqual([]);
  });

  it("taints a node whose kubelet reports Ready=False not-ready, at once", async () => {
    h = await Harness.start({ zoneDisruptionGuard: false }, { lifecycle: true, eviction: false });
    await h.addNode("n1");
    await h.addNode("n2", "False");
    await h.run();
    await waitFor("n2 tainted not-ready", async () => taintKeys(await h!.node("n2")).length === 2);
    expect(taintKeys(await h.node("n2"))).toEqual([`${NOT_READY}:NoExecute`, `${NOT_READY}:NoSchedule`]);
    expect(taintKeys(await h.node("n1"))).toEqual([]);
    // Silent as well: not-ready becomes unreachable (a swap, no new eviction).
    await h.advance(41_000);
    await waitFor("n2 tainted unreachable", async () =>
      taintKeys(await h!.node("n2")).every((k) => k.startsWith(UNREACHABLE)),
    );
  });

  it("marks the pods of an unreachable node not ready", async () => {
    h = await Harness.start(
      { gracePeriodMs: 40_000, zoneDisruptionGuard: false },
      { lifecycle: true, eviction: false },
    );
    await h.addNode("n1");
    await h.addNode("n2");
    await h.addPod("on-n1", "n1");
    await h.addPod("on-n2", "n2");
    await h.run();
    await h.advance(20_000);
    await h.heartbeat("n2");
    await h.advance(21_000);
    await waitFor("pod on n1 not ready", async () => {
      const pod = await h!.livePod("on-n1");
      return pod?.status?.conditions?.find((c) => c.type === "Ready")?.status === "False";
    });
    const other = await h.livePod("on-n2");
    expect(other?.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    const events = await h.events_("NodeNotReady");
    expect(events.some((e) => e.involvedObject.name === "on-n1" && e.message === "Node is not ready")).toBe(
      true,
    );
  });

  it("taints failed nodes NoExecute no faster than the eviction rate", async () => {
    h = await Harness.start(
      { gracePeriodMs: 40_000, evictionRate: 0.1, zoneDisruptionGuard: false },
      { lifecycle: true, eviction: false },
    );
    for (const n of ["n1", "n2", "n3"]) await h.addNode(n);
    await h.run();
    await h.advance(41_000);
    const noExecuteCount = async () => {
      let count = 0;
      for (const n of ["n1", "n2", "n3"]) {
        if (taintKeys(await h!.node(n)).includes(`${UNREACHABLE}:NoExecute`)) count++;
      }
      return count;
    };
    await waitFor("all NoSchedule", async () => {
      for (const n of ["n1", "n2", "n3"]) {
        if (!taintKeys(await h!.node(n)).includes(`${UNREACHABLE}:NoSchedule`)) return false;
      }
      return true;
    });
    await h.settle();
    expect(await noExecuteCount()).toBe(1);
    await h.advance(5_000);
    expect(await noExecuteCount()).toBe(1);
    await h.advance(5_000);
    await waitFor("second NoExecute", async () => (await noExecuteCount()) === 2);
    await h.advance(10_000);
    await waitFor("third NoExecute", async () => (await noExecuteCount()) === 3);
  });

  it("evicts nothing when every node is down (the disruption guard), and evicts one of two", async () => {
    h = await Harness.start({ gracePeriodMs: 40_000 }, { lifecycle: true, eviction: false });
    await h.addNode("n1");
    await h.addNode("n2");
    await h.run();
    await h.advance(41_000);
    await waitFor("both Unknown", async () => {
      const states = [readyOf(await h!.node("n1"))?.status, readyOf(await h!.node("n2"))?.status];
      return states.every((s) => s === "Unknown");
    });
    await h.settle();
    for (const n of ["n1", "n2"]) expect(taintKeys(await h.node(n))).toEqual([`${UNREACHABLE}:NoSchedule`]);
    // n2 comes back: the guard lifts, n1 alone stays down and is tainted NoExecute after a fresh grace period.
    await h.heartbeat("n2", "True");
    await waitFor("n2 clean", async () => taintKeys(await h!.node("n2")).length === 0);
    await h.advance(20_000);
    await h.heartbeat("n2");
    await h.advance(21_000);
    await waitFor("n1 NoExecute", async () =>
      taintKeys(await h!.node("n1")).includes(`${UNREACHABLE}:NoExecute`),
    );
  });
});

// A taint of our own: every pod tolerates the unreachable and not-ready ones for 300 s by admission.
const MAINTENANCE = "example.com/maintenance";

describe("the zone disruption guard", () => {
  it("holds NoExecute taints back while most nodes of a zone are down at once", async () => {
    h = await Harness.start({ gracePeriodMs: 40_000 }, { lifecycle: true, eviction: false });
    for (const n of ["n1", "n2", "n3", "n4"]) await h.addNode(n);
    await h.run();
    await h.advance(20_000);
    await h.heartbeat("n4");
    await h.advance(21_000);
    await waitFor("three nodes tainted NoSchedule", async () => {
      for (const n of ["n1", "n2", "n3"]) {
        if (!taintKeys(await h!.node(n)).includes(`${UNREACHABLE}:NoSchedule`)) return false;
      }
      return true;
    });
    await h.advance(5_000);
    for (const n of ["n1", "n2", "n3"])
      expect(taintKeys(await h.node(n))).toEqual([`${UNREACHABLE}:NoSchedule`]);
    expect(taintKeys(await h.node("n4"))).toEqual([]);
  });
});

describe("taint eviction controller", () => {
  it("deletes intolerant pods at once, tolerant ones when tolerationSeconds run out, and keeps the rest", async () => {
    h = await Harness.start({}, { lifecycle: false, eviction: true });
    await h.addNode("n1");
    await h.addNode("n2");
    await h.addPod("intolerant", "n1", [{ key: "x", operator: "Exists" }]);
    await h.addPod("for-30s", "n1", [
      { key: MAINTENANCE, operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 },
    ]);
    await h.addPod("forever", "n1", [{ key: MAINTENANCE, operator: "Exists", effect: "NoExecute" }]);
    await h.addPod("elsewhere", "n2", [{ key: "x", operator: "Exists" }]);
    await h.run();
    const node = await h.node("n1");
    await h.client.update<Node>({
      ...node,
      spec: { taints: [{ key: MAINTENANCE, effect: "NoExecute", timeAdded: rfc3339(h.clock.now()) }] },
    });
    await waitFor("intolerant pod deleted", async () => (await h!.livePod("intolerant")) === undefined);
    const gone = await h.client.get<Pod>(PODS, "default", "intolerant");
    expect(gone.status?.conditions?.find((c) => c.type === "DisruptionTarget")).toMatchObject({
      status: "True",
      reason: "DeletionByTaintManager",
    });
    await h.advance(29_000);
    expect(await h.livePod("for-30s")).toBeDefined();
    await h.advance(1_500);
    await waitFor("30 s pod deleted", async () => (await h!.livePod("for-30s")) === undefined);
    await h.advance(600_000);
    expect(await h.livePod("forever")).toBeDefined();
    expect(await h.livePod("elsewhere")).toBeDefined();
    const messages = (await h.events_("TaintManagerEviction")).map((e) => e.message).sort();
    expect(messages).toEqual([
      "Marking for deletion Pod default/for-30s",
      "Marking for deletion Pod default/intolerant",
    ]);
  });

  it("cancels a timed eviction when the taint goes first", async () => {
    h = await Harness.start({}, { lifecycle: false, eviction: true });
    await h.addNode("n1");
    await h.addPod("for-30s", "n1", [
      { key: MAINTENANCE, operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 },
    ]);
    await h.run();
    const node = await h.node("n1");
    const tainted = await h.client.update<Node>({
      ...node,
      spec: { taints: [{ key: MAINTENANCE, effect: "NoExecute", timeAdded: rfc3339(h.clock.now()) }] },
    });
    await h.advance(20_000);
    await h.client.update<Node>({ ...tainted, spec: {} });
    await h.advance(20_000);
    expect(await h.livePod("for-30s")).toBeDefined();
    const messages = (await h.events_("TaintManagerEviction")).map((e) => e.message);
    expect(messages).toEqual(["Cancelling deletion of Pod default/for-30s"]);
  });
});

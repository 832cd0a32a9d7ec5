import type { Lease } from "@minik8s/api";
import { microTime } from "@minik8s/api/time";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../src/clock.js";
import { LeaderElector } from "../src/leader-election.js";
import { Client } from "../src/rest-client.js";
import { type FakeApiServer, startFakeApiServer } from "./fake-apiserver.js";
import { until } from "./until.js";

const LEASES = { group: "coordination.k8s.io", version: "v1", plural: "leases", namespaced: true };

describe("LeaderElector", () => {
  let server: FakeApiServer;
  let client: Client;
  let clock: FakeClock;
  let events: string[];
  let electors: LeaderElector[];

  beforeEach(async () => {
    server = await startFakeApiServer();
    client = new Client({ server: server.url });
    clock = new FakeClock();
    events = [];
    electors = [];
  });
  afterEach(async () => {
    await Promise.all(electors.map((e) => e.stop()));
    client.close();
    await server.close();
  });

  function elector(identity: string, extra: { releaseOnStop?: boolean } = {}): LeaderElector {
    const e = new LeaderElector({
      client,
      namespace: "kube-system",
      name: "scheduler",
      identity,
      clock,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      onStartedLeading: () => {
        events.push(`${identity} leads`);
      },
      onStoppedLeading: () => events.push(`${identity} stops`),
      onNewLeader: (leader) => events.push(`${identity} sees ${leader}`),
      ...extra,
    });
    electors.push(e);
    return e;
  }

  /** Moves time one retry period and waits until every running elector is asleep again. */
  async function step(sleepers: number, ms = 2_000): Promise<void> {
    clock.advance(ms);
    await until(`${sleepers} electors asleep`, () => clock.waiters() === sleepers);
  }

  const lease = () => client.get<Lease>(LEASES, "kube-system", "scheduler");

  it("elects one leader, keeps it while it renews, and hands over when it stops renewing", async () => {
    const a = elector("a", { releaseOnStop: false });
    const b = elector("b");
    a.start();
    await until("a leads", () => a.isLeader() && clock.waiters() === 1);
    b.start();
    await until("b tried", () => clock.waiters() === 2);
    expect(b.isLeader()).toBe(false);
    expect(b.getLeader()).toBe("a");

    for (let i = 0; i < 10; i++) await step(2); // 20 s: a renews, b waits
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    const renewed = await lease();
    expect(renewed.spec?.holderIdentity).toBe("a");
    expect(renewed.spec?.renewTime).toBe(microTime(clock.now()));

    await a.stop(); // a crashes, in effect: it neither renews nor releases
    expect(events).toContain("a stops");
    for (let i = 0; i < 7; i++) await step(1); // 14 s: the lease is not yet expired
    expect(b.isLeader()).toBe(false);
    for (let i = 0; i < 3; i++) await step(1); // 20 s: expired by b's own clock
    expect(b.isLeader()).toBe(true);
    const taken = await lease();
    expect(taken.spec?.holderIdentity).toBe("b");
    expect(taken.spec?.leaseTransitions).toBe(1);
    expect(events).toEqual(["a sees a", "a leads", "b sees a", "a stops", "b sees b", "b leads"]);
  });

  it("releases on stop so that a successor takes over at once", async () => {
    const a = elector("a");
    a.start();
    await until("a leads", () => a.isLeader());
    await a.stop();
    expect((await lease()).spec?.holderIdentity).toBe("");
    const c = elector("c");
    c.start();
    await until("c leads without waiting for expiry", () => c.isLeader());
    expect((await lease()).spec?.leaseTransitions).toBe(1);
  });

  it("lets exactly one of two simultaneous candidates win; the loser's 409 is just a lost round", async () => {
    const now = clock.now();
    await client.create({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "scheduler", namespace: "kube-system" },
      spec: {
        holderIdentity: "gone",
        leaseDurationSeconds: 15,
        renewTime: microTime(now),
        acquireTime: microTime(now),
      },
    });
    const a = elector("a");
    const b = elector("b");
    a.start();
    b.start();
    await until("both tried", () => clock.waiters() === 2);
    for (let i = 0; i < 8; i++) await step(2); // 16 s: "gone" has expired for both; both write in the same round
    const leaders = [a, b].filter((e) => e.isLeader());
    expect(leaders).toHaveLength(1);
    const winner = (await lease()).spec?.holderIdentity;
    expect(winner).toBe(leaders[0] === a ? "a" : "b");
    const puts = server.requests.filter((r) => r.method === "PUT");
    expect(puts.length).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 3; i++) await step(2);
    expect([a, b].filter((e) => e.isLeader())).toHaveLength(1);
    expect([a, b].map((e) => e.getLeader())).toEqual([winner, winner]);
  });

  it("steps down when it cannot renew within the renew deadline", async () => {
    const a = elector("a");
    a.start();
    await until("a leads", () => a.isLeader() && clock.waiters() === 1);
    server.intercept = (r) => (r.method === "PUT" ? { status: 500, body: "etcd is sad" } : undefined);
    for (let i = 0; i < 4; i++) await step(1); // 8 s of failed renewals: still within the deadline
    expect(a.isLeader()).toBe(true);
    await step(1); // 10 s
    expect(a.isLeader()).toBe(false);
    expect(events).toContain("a stops");
    server.intercept = undefined;
  });

  it("aborts the signal given to onStartedLeading when leadership ends", async () => {
    let signal: AbortSignal | undefined;
    const e = new LeaderElector({
      client,
      name: "cm",
      identity: "x",
      clock,
      onStartedLeading: (s) => {
        signal = s;
      },
    });
    electors.push(e);
    e.start();
    await until("leading", () => signal !== undefined);
    expect(signal?.aborted).toBe(false);
    await e.stop();
    expect(signal?.aborted).toBe(true);
  });
});

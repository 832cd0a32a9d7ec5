import type { Event, Lease } from "@minik8s/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningScheduler, SCHEDULER_LEASE, startScheduler } from "../../src/run.js";
import {
  createNode,
  createPods,
  defaultProfiles,
  EVENTS,
  LEASES,
  listPods,
  podSpec,
  startCluster,
  until,
} from "./harness.js";

const FAST_LEASE = { leaseDurationMs: 2_000, renewDeadlineMs: 1_500, retryPeriodMs: 200 };

describe("two schedulers with leader election", () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  const schedulers: RunningScheduler[] = [];

  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
    await cluster?.close();
  });

  async function allBound(count: number) {
    return until(`${count} pods bound`, async () => {
      const pods = await listPods(cluster.client);
      return pods.filter((p) => p.spec.nodeName).length === count ? pods : undefined;
    });
  }

  async function scheduledEventsPerPod(): Promise<Map<string, number>> {
    const events = (await cluster.client.list<Event>(EVENTS, { namespace: "default" })).items;
    const perPod = new Map<string, number>();
    for (const e of events) {
      if (e.reason !== "Scheduled") continue;
      const name = e.involvedObject.name ?? "";
      perPod.set(name, (perPod.get(name) ?? 0) + (e.count ?? 1));
    }
    return perPod;
  }

  it("only the Lease holder binds, each pod exactly once, and the other takes over", async () => {
    const { client } = cluster;
    for (let i = 0; i < 5; i++) await createNode(client, `node-${i}`, { cpu: "32", memory: "64Gi" });
    for (const identity of ["scheduler-a", "scheduler-b"]) {
      schedulers.push(
        await startScheduler({ client, profiles: defaultProfiles(), leaderElect: FAST_LEASE, identity }),
      );
    }
    const leaderName = await until("a leader", async () => {
      const lease = await client.get<Lease>(LEASES, SCHEDULER_LEASE.namespace, SCHEDULER_LEASE.name);
      return lease.spec?.holderIdentity || undefined;
    });
    const leader = schedulers.find((s) => s.identity === leaderName)!;
    const follower = schedulers.find((s) => s.identity !== leaderName)!;

    await createPods(
      client,
      Array.from({ length: 100 }, (_, i) => podSpec(`first-${i}`, { cpu: "100m" })),
    );
    await allBound(100);
    expect(leader.scheduler.stats.bound).toBe(100);
    expect(follower.scheduler.stats.attempts).toBe(0);

    // The leader steps down (releasing the Lease); the follower takes over.
    await leader.stop();
    schedulers.splice(schedulers.indexOf(leader), 1);
    await until("the follower leads", () => (follower.elector?.isLeader() ? true : undefined));
    await createPods(
      client,
      Array.from({ length: 20 }, (_, i) => podSpec(`second-${i}`, { cpu: "100m" })),
    );
    await allBound(120);
    expect(leader.scheduler.stats.bound + follower.scheduler.stats.bound).toBe(120);
    expect(follower.scheduler.stats.bound).toBe(20);

    const perPod = await until("a Scheduled event for each pod", async () => {
      const counts = await scheduledEventsPerPod();
      return counts.size === 120 ? counts : undefined;
    });
    expect([...perPod.values()].every((n) => n === 1)).toBe(true);
  }, 60_000);
});

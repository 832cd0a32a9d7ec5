import { kindForApiVersion } from "@minik8s/api/registry";
import type { Deployment, ReplicaSet } from "@minik8s/api/schemas/apps";
import type { Event, Pod } from "@minik8s/api/schemas/core";
import { Informer } from "@minik8s/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestCluster, waitFor } from "./support/cluster.js";
import { deployment } from "./support/objects.js";

const PODS = kindForApiVersion("v1", "Pod")!;
const RS = kindForApiVersion("apps/v1", "ReplicaSet")!;
const DEPLOY = kindForApiVersion("apps/v1", "Deployment")!;
const EVENTS = kindForApiVersion("v1", "Event")!;
const NS = "deploy-test";
const REVISION = "deployment.kubernetes.io/revision";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start();
  await cluster.client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
});

afterAll(async () => {
  await cluster?.stop();
});

const getDeploy = (name: string) => cluster.client.get<Deployment>(DEPLOY, NS, name);

async function replicaSetsOf(name: string): Promise<ReplicaSet[]> {
  return (await cluster.client.list<ReplicaSet>(RS, { namespace: NS, labelSelector: `app=${name}` })).items;
}

async function livePods(name: string): Promise<Pod[]> {
  const list = await cluster.client.list<Pod>(PODS, { namespace: NS, labelSelector: `app=${name}` });
  return list.items.filter((p) => !p.metadata.deletionTimestamp);
}

/** What `kubectl rollout status` waits for: the controller saw the spec and every replica is new and available. */
function rolledOut(d: Deployment): boolean {
  const want = d.spec.replicas ?? 1;
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) &&
    s.updatedReplicas === want &&
    s.replicas === want &&
    s.availableReplicas === want
  );
}

async function waitRolledOut(name: string, timeoutMs = 20_000): Promise<Deployment> {
  let last: Deployment | undefined;
  return waitFor(
    `deployment ${name} rolled out`,
    async () => {
      last = await getDeploy(name);
      return rolledOut(last) ? last : undefined;
    },
    { timeoutMs, describe: () => ({ generation: last?.metadata.generation, status: last?.status }) },
  );
}

async function setImage(name: string, image: string): Promise<void> {
  await cluster.client.patch(DEPLOY, NS, name, "application/strategic-merge-patch+json", {
    spec: { template: { spec: { containers: [{ name: "app", image }] } } },
  });
}

/**
 * Watches the pods of one app and checks the rollout bounds at every state the watch shows:
 * live pods ≤ replicas + maxSurge, ready live pods ≥ replicas − maxUnavailable.
 */
class RolloutSampler {
  readonly violations: string[] = [];
  maxTotal = 0;
  minAvailable = Number.POSITIVE_INFINITY;
  samples = 0;
  private readonly informer: Informer<Pod>;

  constructor(
    app: string,
    private readonly upper: number,
    private readonly lower: number,
  ) {
    this.informer = new Informer<Pod>(cluster.client, {
      resource: PODS,
      namespace: NS,
      labelSelector: `app=${app}`,
    });
    // The first list arrives one add at a time: judge only whole states, from sync on.
    const check = () => {
      if (this.informer.hasSynced()) this.check();
    };
    this.informer.addEventHandler({ onAdd: check, onUpdate: check, onDelete: check });
  }

  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync();
    this.check();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  private check(): void {
    const live = this.informer.list().filter((p) => !p.metadata.deletionTimestamp);
    const ready = live.filter((p) =>
      p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    this.samples++;
    this.maxTotal = Math.max(this.maxTotal, live.length);
    this.minAvailable = Math.min(this.minAvailable, ready.length);
    if (live.length > this.upper) this.violations.push(`${live.length} pods > ${this.upper}`);
    if (ready.length < this.lower) this.violations.push(`${ready.length} available < ${this.lower}`);
  }
}

describe("Deployment controller", () => {
  it("creates a ReplicaSet named by the template hash, with revision 1, and reports Available", async () => {
    await cluster.client.create(deployment(NS, "web", 3));
    const d = await waitRolledOut("web");
    const [rs, ...others] = await replicaSetsOf("web");
    expect(others).toHaveLength(0);
    const hash = rs!.metadata.labels?.["pod-template-hash"];
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.metadata.annotations).toMatchObject({
      [REVISION]: "1",
      "deployment.kubernetes.io/desired-replicas": "3",
      "deployment.kubernetes.io/max-replicas": "4",
    });
    expect(rs!.metadata.ownerReferences?.[0]).toMatchObject({
      kind: "Deployment",
      name: "web",
      controller: true,
    });
    expect(d.metadata.annotations?.[REVISION]).toBe("1");
    const conditions = Object.fromEntries((d.status?.conditions ?? []).map((c) => [c.type, c]));
    expect(conditions.Available).toMatchObject({ status: "True", reason: "MinimumReplicasAvailable" });
    await waitFor("Progressing NewReplicaSetAvailable", async () => {
      const c = (await getDeploy("web")).status?.conditions?.find((x) => x.type === "Progressing");
      return c?.reason === "NewReplicaSetAvailable" && c.status === "True" ? c : undefined;
    });
  });

  it("rolls out a new template within maxSurge and maxUnavailable at every observed moment", async () => {
    await cluster.client.patch(DEPLOY, NS, "web", "application/merge-patch+json", {
      spec: { replicas: 4, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } },
    });
    await waitRolledOut("web");
    const sampler = new RolloutSampler("web", 5, 3);
    await sampler.start();
    await setImage("web", "web:2");
    const d = await waitRolledOut("web");
    await sampler.stop();
    expect(sampler.violations).toEqual([]);
    expect(sampler.samples).toBeGreaterThan(4);
    const pods = await livePods("web");
    expect(pods).toHaveLength(4);
    expect(pods.every((p) => p.spec.containers[0]?.image === "web:2")).toBe(true);
    expect(d.metadata.annotations?.[REVISION]).toBe("2");
    const sets = await replicaSetsOf("web");
    expect(sets).toHaveLength(2);
    const old = sets.find((s) => s.metadata.annotations?.[REVISION] === "1");
    expect(old?.spec.replicas).toBe(0);
    const events = (await cluster.client.list<Event>(EVENTS, { namespace: NS })).items.filter(
      (e) => e.involvedObject.kind === "Deployment" && e.involvedObject.name === "web",
    );
    expect(
      events.some((e) => /^Scaled down replica set web-\w+ to \d+ from \d+$/.test(e.message ?? "")),
    ).toBe(true);
    expect(events.some((e) => /^Scaled up replica set web-\w+ to \d+ from \d+$/.test(e.message ?? ""))).toBe(
      true,
    );
  });

  it("rolls back like `kubectl rollout undo`: the old ReplicaSet comes back with the next revision", async () => {
    const sets = await replicaSetsOf("web");
    const first = sets.find((s) => s.metadata.annotations?.[REVISION] === "1")!;
    const template = structuredClone(first.spec.template);
    delete template.metadata?.labels?.["pod-template-hash"];
    // What kubectl sends: a JSON patch replacing the template and the annotations.
    await cluster.client.patch(DEPLOY, NS, "web", "application/json-patch+json", [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: {} },
    ]);
    const d = await waitRolledOut("web");
    expect(d.metadata.annotations?.[REVISION]).toBe("3");
    const after = await replicaSetsOf("web");
    expect(after).toHaveLength(2);
    const back = after.find((s) => s.metadata.uid === first.metadata.uid);
    expect(back?.metadata.annotations?.[REVISION]).toBe("3");
    expect(back?.spec.replicas).toBe(4);
    const pods = await livePods("web");
    expect(pods.every((p) => p.spec.containers[0]?.image === "web:1")).toBe(true);
  });

  it("scales old and new ReplicaSets proportionally when resized mid-rollout", async () => {
    cluster.failPulls("web:stuck");
    await setImage("web", "web:stuck");
    // maxSurge 1, maxUnavailable 1 over 4: the stuck rollout settles at 3 old + 2 new.
    await waitFor("the stuck rollout to settle", async () => {
      const rs = await replicaSetsOf("web");
      const image = (s: ReplicaSet) => s.spec.template.spec.containers[0]?.image;
      const stuck = rs.find((s) => image(s) === "web:stuck");
      const old = rs.find((s) => image(s) === "web:1");
      return stuck?.spec.replicas === 2 && stuck.status?.replicas === 2 && old?.spec.replicas === 3
        ? rs
        : undefined;
    });
    await cluster.client.patchScale(DEPLOY, NS, "web", "application/merge-patch+json", {
      spec: { replicas: 8 },
    });
    // 8 + maxSurge 1 = 9 pods allowed, 4 more: each active set grows by its share of the
    // max-replicas (5) it was sized for: 3 → round(3·9/5) = 5, 2 → round(2·9/5) = 4.
    let last: unknown;
    const sizes = await waitFor(
      "proportional sizes",
      async () => {
        const rs = await replicaSetsOf("web");
        last = rs.map((s) => [s.metadata.name, s.spec.replicas, s.metadata.annotations]);
        const active = rs
          .filter((s) => (s.spec.replicas ?? 0) > 0)
          .map((s) => s.spec.replicas)
          .sort();
        return active.length === 2 && active[0] === 4 && active[1] === 5 ? active : undefined;
      },
      { describe: () => last },
    );
    expect(sizes).toEqual([4, 5]);
    cluster.allowPulls("web:stuck");
    await setImage("web", "web:1");
    await waitRolledOut("web");
  });

  it("reports ProgressDeadlineExceeded when new pods never become ready", async () => {
    cluster.failPulls("web:broken");
    await cluster.client.create(deployment(NS, "stuck", 2, { progressDeadlineSeconds: 2 }));
    await waitRolledOut("stuck");
    await setImage("stuck", "web:broken");
    const condition = await waitFor(
      "Progressing=False ProgressDeadlineExceeded",
      async () => {
        const c = (await getDeploy("stuck")).status?.conditions?.find((x) => x.type === "Progressing");
        return c?.reason === "ProgressDeadlineExceeded" ? c : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(condition.status).toBe("False");
    // The old pods keep serving: maxUnavailable 25% of 2 rounds down to 0.
    const ready = (await livePods("stuck")).filter((p) => p.spec.containers[0]?.image === "web:1");
    expect(ready).toHaveLength(2);
  });

  it("finishes a rollout after the controller-manager is stopped and restarted mid-way, without extra pods", async () => {
    // Slow container starts keep the rollout under way when the manager goes down.
    cluster.startDelayMs = 250;
    await cluster.client.create(deployment(NS, "restart", 6, { maxSurge: 1, maxUnavailable: 0 }));
    await waitRolledOut("restart");
    const sampler = new RolloutSampler("restart", 7, 6);
    await sampler.start();
    await setImage("restart", "web:2");
    await waitFor("rollout under way", async () => {
      const sets = await replicaSetsOf("restart");
      const fresh = sets.find((s) => s.spec.template.spec.containers[0]?.image === "web:2");
      return (fresh?.status?.availableReplicas ?? 0) >= 2 ? fresh : undefined;
    });
    await cluster.stopManager();
    await new Promise((r) => setTimeout(r, 300));
    await cluster.restartManager();
    await waitRolledOut("restart", 30_000);
    await sampler.stop();
    cluster.startDelayMs = 0;
    expect(sampler.violations).toEqual([]);
    const pods = await livePods("restart");
    expect(pods).toHaveLength(6);
    expect(pods.every((p) => p.spec.containers[0]?.image === "web:2")).toBe(true);
    expect(await replicaSetsOf("restart")).toHaveLength(2);
  });

  it("Recreate stops every old pod before starting new ones", async () => {
    await cluster.client.create(deployment(NS, "recreate", 2, { strategy: "Recreate" }));
    await waitRolledOut("recreate");
    const images = new Set<string>();
    const informer = new Informer<Pod>(cluster.client, {
      resource: PODS,
      namespace: NS,
      labelSelector: "app=recreate",
    });
    let mixed = false;
    const check = () => {
      const live = informer.list().filter((p) => !p.metadata.deletionTimestamp);
      const seen = new Set(live.map((p) => p.spec.containers[0]?.image));
      for (const i of seen) if (i) images.add(i);
      if (seen.size > 1) mixed = true;
    };
    informer.addEventHandler({ onAdd: check, onUpdate: check, onDelete: check });
    informer.start();
    await informer.waitForSync();
    await setImage("recreate", "web:2");
    await waitRolledOut("recreate");
    await informer.stop();
    expect(mixed).toBe(false);
    expect(images).toEqual(new Set(["web:1", "web:2"]));
  });
});

import { kindForApiVersion } from "@minik8s/api/registry";
import type { ReplicaSet } from "@minik8s/api/schemas/apps";
import type { Event, Pod } from "@minik8s/api/schemas/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestCluster, waitFor } from "./support/cluster.js";
import { pod, replicaSet } from "./support/objects.js";

const PODS = kindForApiVersion("v1", "Pod")!;
const RS = kindForApiVersion("apps/v1", "ReplicaSet")!;
const EVENTS = kindForApiVersion("v1", "Event")!;
const NS = "rs-test";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start();
  await cluster.client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
});

afterAll(async () => {
  await cluster?.stop();
});

async function podsOf(app: string): Promise<Pod[]> {
  const list = await cluster.client.list<Pod>(PODS, { namespace: NS, labelSelector: `app=${app}` });
  return list.items.filter((p) => !p.metadata.deletionTimestamp);
}

async function getRS(name: string): Promise<ReplicaSet> {
  return cluster.client.get<ReplicaSet>(RS, NS, name);
}

function waitForPods(
  app: string,
  count: number,
  extra: (pods: Pod[]) => boolean = () => true,
): Promise<Pod[]> {
  let last: Pod[] = [];
  return waitFor(
    `${count} pods of ${app}`,
    async () => {
      last = await podsOf(app);
      return last.length === count && extra(last) ? last : undefined;
    },
    {
      describe: () =>
        last.map((p) => ({
          name: p.metadata.name,
          phase: p.status?.phase,
          owners: p.metadata.ownerReferences,
        })),
    },
  );
}

describe("ReplicaSet controller", () => {
  it("creates pods up to replicas, named from the ReplicaSet, and reports them ready", async () => {
    const rs = await cluster.client.create(replicaSet(NS, "scale", 3));
    const pods = await waitForPods("scale", 3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^scale-[a-z0-9]{5}$/);
      expect(p.metadata.ownerReferences).toEqual([
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: "scale",
          uid: rs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    const status = await waitFor("status with 3 ready replicas", async () => {
      const s = (await getRS("scale")).status;
      return s?.readyReplicas === 3 && s.availableReplicas === 3 ? s : undefined;
    });
    expect(status).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
  });

  it("scales down, deleting pods and recording events", async () => {
    await cluster.client.patchScale(RS, NS, "scale", "application/merge-patch+json", {
      spec: { replicas: 1 },
    });
    await waitForPods("scale", 1);
    await waitFor("status replicas 1", async () =>
      (await getRS("scale")).status?.replicas === 1 ? true : undefined,
    );
    const events = await waitFor("SuccessfulDelete events", async () => {
      const list = await cluster.client.list<Event>(EVENTS, { namespace: NS });
      const mine = list.items.filter((e) => e.involvedObject.name === "scale");
      return mine.filter((e) => e.reason === "SuccessfulDelete").length === 2 ? mine : undefined;
    });
    expect(events.filter((e) => e.reason === "SuccessfulCreate")).toHaveLength(3);
    expect(events.every((e) => e.source?.component === "replicaset-controller")).toBe(true);
  });

  it("replaces a deleted pod (self-healing)", async () => {
    await cluster.client.patchScale(RS, NS, "scale", "application/merge-patch+json", {
      spec: { replicas: 2 },
    });
    const before = await waitForPods("scale", 2);
    const victim = before[0]!;
    await cluster.client.delete(PODS, NS, victim.metadata.name ?? "");
    const after = await waitForPods("scale", 2, (pods) =>
      pods.every((p) => p.metadata.uid !== victim.metadata.uid),
    );
    expect(after.map((p) => p.metadata.name)).not.toContain(victim.metadata.name);
  });

  it("adopts a matching orphan instead of creating one, and releases a pod whose labels stop matching", async () => {
    const orphan = await cluster.client.create(pod(NS, "orphan-1", { app: "adopt" }));
    const rs = await cluster.client.create(replicaSet(NS, "adopt", 2));
    const pods = await waitForPods("adopt", 2, (ps) =>
      ps.every((p) => p.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid && r.controller)),
    );
    expect(pods.map((p) => p.metadata.name)).toContain("orphan-1");

    // Relabel the adopted pod: the ReplicaSet lets go of it and makes a replacement.
    await cluster.client.patch(PODS, NS, "orphan-1", "application/merge-patch+json", {
      metadata: { labels: { app: "released" } },
    });
    const released = await waitFor("orphan-1 released", async () => {
      const p = await cluster.client.get<Pod>(PODS, NS, "orphan-1");
      return (p.metadata.ownerReferences ?? []).length === 0 ? p : undefined;
    });
    expect(released.metadata.uid).toBe(orphan.metadata.uid);
    const replacement = await waitForPods("adopt", 2);
    expect(replacement.map((p) => p.metadata.name)).not.toContain("orphan-1");
  });
});

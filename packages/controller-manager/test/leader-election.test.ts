import { kindForApiVersion } from "@minik8s/api/registry";
import type { Lease } from "@minik8s/api/schemas/coordination";
import type { Pod } from "@minik8s/api/schemas/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ControllerManager, LEASE_NAME, LEASE_NAMESPACE } from "../src/index.js";
import { TestCluster, waitFor } from "./support/cluster.js";
import { replicaSet } from "./support/objects.js";

const PODS = kindForApiVersion("v1", "Pod")!;
const LEASES = kindForApiVersion("coordination.k8s.io/v1", "Lease")!;

let cluster: TestCluster;
const managers: ControllerManager[] = [];

beforeAll(async () => {
  cluster = await TestCluster.start();
  // The cluster's own manager runs without election; these two compete instead.
  await cluster.stopManager();
});

afterAll(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  await cluster?.stop();
});

const pods = async (app: string) =>
  (await cluster.client.list<Pod>(PODS, { namespace: "default", labelSelector: `app=${app}` })).items.filter(
    (p) => !p.metadata.deletionTimestamp,
  );

it("only the Lease holder acts, and a successor takes over when it stops", async () => {
  for (const identity of ["cm-a", "cm-b"]) {
    const m = new ControllerManager({
      client: cluster.client,
      leaderElect: true,
      identity,
      leaseDurationMs: 1500,
      renewDeadlineMs: 1000,
      retryPeriodMs: 200,
      workers: 2,
    });
    managers.push(m);
    m.start();
  }
  const lease = await waitFor("a Lease holder", async () => {
    const l = await cluster.client.get<Lease>(LEASES, LEASE_NAMESPACE, LEASE_NAME);
    return l.spec?.holderIdentity ? l : undefined;
  });
  const leader = lease.spec?.holderIdentity;
  expect(["cm-a", "cm-b"]).toContain(leader);

  await cluster.client.create(replicaSet("default", "elected", 3));
  await waitFor("3 pods", async () => ((await pods("elected")).length === 3 ? true : undefined));

  // The leader steps down (releasing the Lease); the other one picks up new work.
  const index = leader === "cm-a" ? 0 : 1;
  await managers[index]!.stop();
  await waitFor("the other manager holding the Lease", async () => {
    const l = await cluster.client.get<Lease>(LEASES, LEASE_NAMESPACE, LEASE_NAME);
    return l.spec?.holderIdentity && l.spec.holderIdentity !== leader ? l : undefined;
  });
  await cluster.client.create(replicaSet("default", "successor", 2));
  await waitFor("2 successor pods", async () => ((await pods("successor")).length === 2 ? true : undefined));
  await new Promise((r) => setTimeout(r, 300));
  expect(await pods("elected")).toHaveLength(3);
  expect(await pods("successor")).toHaveLength(2);
});

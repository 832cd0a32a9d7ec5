import { kindForApiVersion } from "@minik8s/api/registry";
import type { PodDisruptionBudget } from "@minik8s/api/schemas/policy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestCluster, waitFor } from "./support/cluster.js";
import { pod, replicaSet } from "./support/objects.js";

/** The disruption controller against a cluster: budgets' status follows their pods. */
const PDBS = kindForApiVersion("policy/v1", "PodDisruptionBudget")!;
const NS = "pdb-test";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start({ manager: { controllers: ["replicaset", "disruption"] } });
  await cluster.client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
});

afterAll(async () => {
  await cluster?.stop();
});

function budget(name: string, spec: PodDisruptionBudget["spec"]): PodDisruptionBudget {
  return { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name, namespace: NS }, spec };
}

function statusOf(name: string, done: (pdb: PodDisruptionBudget) => boolean): Promise<PodDisruptionBudget> {
  let last: PodDisruptionBudget | undefined;
  return waitFor(
    `the status of ${name}`,
    async () => {
      last = await cluster.client.get<PodDisruptionBudget>(PDBS, NS, name);
      return done(last) ? last : undefined;
    },
    { timeoutMs: 30_000, describe: () => last?.status },
  );
}

describe("disruption controller", () => {
  it("resolves a percentage against the ReplicaSet's replicas, rounding up", async () => {
    await cluster.client.create(replicaSet(NS, "half", 4));
    await cluster.client.create(
      budget("half", { minAvailable: "50%", selector: { matchLabels: { app: "half" } } }),
    );
    const pdb = await statusOf("half", (p) => p.status?.currentHealthy === 4);
    expect(pdb.status).toMatchObject({
      observedGeneration: 1,
      currentHealthy: 4,
      desiredHealthy: 2,
      expectedPods: 4,
      disruptionsAllowed: 2,
    });
    expect(pdb.status?.conditions).toEqual([
      expect.objectContaining({ type: "DisruptionAllowed", status: "True", reason: "SufficientPods" }),
    ]);
  });

  it("follows a change of the budget's spec and of the pods", async () => {
    const current = await cluster.client.get<PodDisruptionBudget>(PDBS, NS, "half");
    await cluster.client.update({ ...current, spec: { ...current.spec, minAvailable: 4 } });
    const strict = await statusOf("half", (p) => p.status?.observedGeneration === 2);
    expect(strict.status).toMatchObject({ desiredHealthy: 4, disruptionsAllowed: 0 });
    expect(strict.status?.conditions?.[0]).toMatchObject({ status: "False", reason: "InsufficientPods" });
  });

  it("allows nothing, and says why, when a percentage covers a pod without a controller", async () => {
    await cluster.client.create(pod(NS, "orphan", { app: "orphan" }));
    await cluster.client.create(
      budget("orphan", { maxUnavailable: "50%", selector: { matchLabels: { app: "orphan" } } }),
    );
    const pdb = await statusOf("orphan", (p) => p.status?.conditions?.[0]?.reason === "SyncFailed");
    expect(pdb.status?.disruptionsAllowed).toBe(0);
    expect(pdb.status?.conditions?.[0]?.message).toBe('found no controller ref for pod "orphan"');
  });
});

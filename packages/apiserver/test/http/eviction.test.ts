import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectStatus, pod, TestServer } from "./helpers.js";

/** policy/v1 PodDisruptionBudgets through the generic storage, and the pods/eviction subresource. */
let api: TestServer;

beforeAll(async () => {
  api = await TestServer.start();
});

afterAll(async () => {
  await api?.close();
});

const PODS = "/api/v1/namespaces/default/pods";
const PDBS = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";

// biome-ignore lint/suspicious/noExplicitAny: replies are JSON read field by field
type Json = any;

function pdb(name: string, spec: Json): Json {
  return { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name }, spec };
}

function eviction(name: string, extra: Json = {}): Json {
  return { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace: "default" }, ...extra };
}

/** A pod as its kubelet would report it: Running, and Ready unless told otherwise. */
async function runningPod(name: string, labels: Record<string, string>, ready = true): Promise<Json> {
  const created = await api.create(PODS, pod(name, { labels }));
  const reply = await api.put(`${PODS}/${name}/status`, {
    ...created,
    status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  });
  expect(reply.status, reply.text).toBe(200);
  return reply.body;
}

/** What the disruption controller would write. */
async function budgetStatus(name: string, status: Json): Promise<Json> {
  const current = (await api.get(`${PDBS}/${name}`)).body;
  const reply = await api.put(`${PDBS}/${name}/status`, {
    ...current,
    status: { observedGeneration: current.metadata.generation, ...status },
  });
  expect(reply.status, reply.text).toBe(200);
  return reply.body;
}

describe("PodDisruptionBudget", () => {
  it("is created, read back with generation 1 and printed as kubectl prints it", async () => {
    const created = await api.create(
      PDBS,
      pdb("web-pdb", { minAvailable: 2, selector: { matchLabels: { app: "web" } } }),
    );
    expect(created.metadata.generation).toBe(1);
    expect(created.status).toBeUndefined();
    const table = await api.get(`${PDBS}`, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
    expect(table.body.columnDefinitions.map((c: Json) => c.name)).toEqual([
      "Name",
      "Min Available",
      "Max Unavailable",
      "Allowed Disruptions",
      "Age",
    ]);
    const row = table.body.rows.find((r: Json) => r.cells[0] === "web-pdb");
    expect(row.cells.slice(0, 4)).toEqual(["web-pdb", "2", "N/A", 0]);
  });

  it("is found by its short name in discovery", async () => {
    const reply = await api.get("/apis/policy/v1");
    const pdbs = reply.body.resources.find((r: Json) => r.name === "poddisruptionbudgets");
    expect(pdbs).toMatchObject({ kind: "PodDisruptionBudget", namespaced: true, shortNames: ["pdb"] });
    expect(reply.body.resources.map((r: Json) => r.name)).toContain("poddisruptionbudgets/status");
  });

  it("refuses minAvailable with maxUnavailable, and percentages over 100%", async () => {
    const both = await api.post(PDBS, pdb("both", { minAvailable: 1, maxUnavailable: 1 }));
    const body = expectStatus(both, 422, "Invalid");
    expect(body.message).toContain("minAvailable and maxUnavailable cannot be both set");
    const over = expectStatus(await api.post(PDBS, pdb("over", { maxUnavailable: "150%" })), 422, "Invalid");
    expect(over.details.causes).toEqual([
      expect.objectContaining({
        field: "spec.maxUnavailable",
        message: expect.stringContaining("must not be greater than 100%"),
      }),
    ]);
    const policy = await api.post(
      PDBS,
      pdb("policy", { minAvailable: 1, unhealthyPodEvictionPolicy: "Sometimes" }),
    );
    expect(expectStatus(policy, 422, "Invalid").details.causes[0].field).toBe(
      "spec.unhealthyPodEvictionPolicy",
    );
  });
});

describe("pods/eviction", () => {
  it("takes one disruption from the budget, records it, and deletes the pod", async () => {
    await api.create(PDBS, pdb("ev1", { maxUnavailable: 1, selector: { matchLabels: { app: "ev1" } } }));
    await runningPod("ev1-a", { app: "ev1" });
    await runningPod("ev1-b", { app: "ev1" });
    await budgetStatus("ev1", {
      disruptionsAllowed: 1,
      currentHealthy: 2,
      desiredHealthy: 1,
      expectedPods: 2,
    });

    const first = await api.post(`${PODS}/ev1-a/eviction`, eviction("ev1-a"));
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ kind: "Status", status: "Success" });
    expect((await api.get(`${PODS}/ev1-a`)).status).toBe(404);
    const after = (await api.get(`${PDBS}/ev1`)).body;
    expect(after.status.disruptionsAllowed).toBe(0);
    expect(Object.keys(after.status.disruptedPods)).toEqual(["ev1-a"]);

    const second = await api.post(`${PODS}/ev1-b/eviction`, eviction("ev1-b"));
    const refused = expectStatus(second, 429, "TooManyRequests");
    expect(refused.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(refused.details.causes).toEqual([
      {
        reason: "DisruptionBudget",
        message: "The disruption budget ev1 needs 1 healthy pods and has 2 currently",
      },
    ]);
    expect((await api.get(`${PODS}/ev1-b`)).status).toBe(200);
  });

  it("marks the pod with DisruptionTarget before its graceful deletion", async () => {
    const created = await api.create(
      PODS,
      pod("marked", { spec: { nodeName: "node-a", containers: [{ name: "app", image: "nginx:1.25" }] } }),
    );
    await api.put(`${PODS}/marked/status`, {
      ...created,
      status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
    });
    const reply = await api.post(`${PODS}/marked/eviction`, eviction("marked"));
    expect(reply.status, reply.text).toBe(201);
    const going = (await api.get(`${PODS}/marked`)).body;
    expect(going.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(going.status.conditions).toHaveLength(2);
    expect(going.status.conditions).toEqual(
      expect.arrayContaining([
        { type: "Ready", status: "True" },
        expect.objectContaining({
          type: "DisruptionTarget",
          status: "True",
          reason: "EvictionByEvictionAPI",
          message: "Eviction API: evicting",
        }),
      ]),
    );
  });

  it("lets exactly one of two racing evictions have the last disruption", async () => {
    await api.create(PDBS, pdb("race", { minAvailable: 1, selector: { matchLabels: { app: "race" } } }));
    await runningPod("race-a", { app: "race" });
    await runningPod("race-b", { app: "race" });
    await budgetStatus("race", {
      disruptionsAllowed: 1,
      currentHealthy: 2,
      desiredHealthy: 1,
      expectedPods: 2,
    });
    const replies = await Promise.all([
      api.post(`${PODS}/race-a/eviction`, eviction("race-a")),
      api.post(`${PODS}/race-b/eviction`, eviction("race-b")),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([201, 429]);
    const left = (await api.get(`${PODS}?labelSelector=app%3Drace`)).body.items;
    expect(left).toHaveLength(1);
  });

  it("evicts pods no budget selects, and pods that are not running, without asking", async () => {
    await runningPod("free", { app: "nobody" });
    expect((await api.post(`${PODS}/free/eviction`, eviction("free"))).status).toBe(201);

    await api.create(
      PDBS,
      pdb("strict", { minAvailable: "100%", selector: { matchLabels: { app: "strict" } } }),
    );
    await budgetStatus("strict", {
      disruptionsAllowed: 0,
      currentHealthy: 0,
      desiredHealthy: 1,
      expectedPods: 1,
    });
    await api.create(PODS, pod("strict-pending", { labels: { app: "strict" } }));
    expect((await api.post(`${PODS}/strict-pending/eviction`, eviction("strict-pending"))).status).toBe(201);
    expect((await api.get(`${PODS}/strict-pending`)).status).toBe(404);
  });

  it("evicts an unready pod when the budget says AlwaysAllow, without using a disruption", async () => {
    await api.create(
      PDBS,
      pdb("sick", {
        minAvailable: 1,
        selector: { matchLabels: { app: "sick" } },
        unhealthyPodEvictionPolicy: "AlwaysAllow",
      }),
    );
    await runningPod("sick-a", { app: "sick" }, false);
    await budgetStatus("sick", {
      disruptionsAllowed: 0,
      currentHealthy: 0,
      desiredHealthy: 1,
      expectedPods: 1,
    });
    expect((await api.post(`${PODS}/sick-a/eviction`, eviction("sick-a"))).status).toBe(201);
    expect((await api.get(`${PDBS}/sick`)).body.status.disruptionsAllowed).toBe(0);
  });

  it("waits for the controller to observe a new budget", async () => {
    await api.create(PDBS, pdb("fresh", { minAvailable: 0, selector: { matchLabels: { app: "fresh" } } }));
    await runningPod("fresh-a", { app: "fresh" });
    const reply = expectStatus(
      await api.post(`${PODS}/fresh-a/eviction`, eviction("fresh-a")),
      429,
      "TooManyRequests",
    );
    expect(reply.details.causes[0].message).toBe(
      "The disruption budget fresh is still being processed by the server.",
    );
  });

  it("refuses a pod two budgets select, a name that differs from the path, and a missing pod", async () => {
    await api.create(PDBS, pdb("two-a", { minAvailable: 0, selector: { matchLabels: { app: "two" } } }));
    await api.create(PDBS, pdb("two-b", { minAvailable: 0, selector: { matchLabels: { app: "two" } } }));
    await runningPod("two-x", { app: "two" });
    const two = expectStatus(
      await api.post(`${PODS}/two-x/eviction`, eviction("two-x")),
      500,
      "InternalError",
    );
    expect(two.message).toContain("more than one PodDisruptionBudget");
    expectStatus(await api.post(`${PODS}/two-x/eviction`, eviction("other")), 400, "BadRequest");
    expectStatus(await api.post(`${PODS}/missing/eviction`, eviction("missing")), 404, "NotFound");
  });

  it("passes the eviction's delete options on, and honours dryRun", async () => {
    await runningPod("dry", { app: "dry" });
    const dry = await api.post(`${PODS}/dry/eviction?dryRun=All`, eviction("dry"));
    expect(dry.status, dry.text).toBe(201);
    expect((await api.get(`${PODS}/dry`)).status).toBe(200);
    const bad = await api.post(
      `${PODS}/dry/eviction`,
      eviction("dry", { deleteOptions: { gracePeriodSeconds: -1 } }),
    );
    expectStatus(bad, 422, "Invalid");
    const ok = await api.post(
      `${PODS}/dry/eviction`,
      eviction("dry", { deleteOptions: { gracePeriodSeconds: 0 } }),
    );
    expect(ok.status, ok.text).toBe(201);
    expect((await api.get(`${PODS}/dry`)).status).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configMap, deployment, expectStatus, JSON_PATCH, MERGE, pod, TestServer } from "./helpers.js";

/** How objects go away: at once, gracefully, after their finalizers, with their namespace. */
let api: TestServer;

beforeAll(async () => {
  api = await TestServer.start();
});

afterAll(async () => {
  await api?.close();
});

const PODS = "/api/v1/namespaces/default/pods";
const CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
const DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";

async function scheduledPod(name: string, grace?: number) {
  const body = pod(name);
  if (grace !== undefined) body.spec.terminationGracePeriodSeconds = grace;
  await api.create(PODS, body);
  const bound = await api.post(`${PODS}/${name}/binding`, {
    apiVersion: "v1",
    kind: "Binding",
    metadata: { name },
    target: { kind: "Node", name: "node-1" },
  });
  expect(bound.status, bound.text).toBe(201);
}

describe("delete", () => {
  it("removes an unscheduled pod at once", async () => {
    const created = await api.create(PODS, pod("del-unscheduled"));
    const reply = await api.delete(`${PODS}/del-unscheduled`);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.metadata.uid).toBe(created.metadata.uid);
    expectStatus(await api.get(`${PODS}/del-unscheduled`), 404, "NotFound");
  });

  it("marks a scheduled pod with a deletionTimestamp and its grace period, and keeps it", async () => {
    await scheduledPod("del-graceful");
    const reply = await api.delete(`${PODS}/del-graceful`);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(reply.body.metadata.deletionGracePeriodSeconds).toBe(30);
    const still = await api.get(`${PODS}/del-graceful`);
    expect(still.status).toBe(200);
    expect(still.body.metadata.deletionTimestamp).toBe(reply.body.metadata.deletionTimestamp);
  });

  it("removes a terminating pod when a second delete says gracePeriodSeconds=0", async () => {
    await scheduledPod("del-force", 10);
    const first = await api.delete(`${PODS}/del-force`);
    expect(first.body.metadata.deletionGracePeriodSeconds).toBe(10);
    const second = await api.delete(`${PODS}/del-force`, {
      apiVersion: "v1",
      kind: "DeleteOptions",
      gracePeriodSeconds: 0,
    });
    expect(second.status, second.text).toBe(200);
    expectStatus(await api.get(`${PODS}/del-force`), 404, "NotFound");
  });

  it("takes gracePeriodSeconds from the query too, and never lengthens a grace period", async () => {
    await scheduledPod("del-query");
    const first = await api.delete(`${PODS}/del-query?gracePeriodSeconds=5`);
    expect(first.body.metadata.deletionGracePeriodSeconds).toBe(5);
    const longer = await api.delete(`${PODS}/del-query?gracePeriodSeconds=60`);
    expect(longer.body.metadata.deletionGracePeriodSeconds).toBe(5);
    await api.delete(`${PODS}/del-query?gracePeriodSeconds=0`);
    expectStatus(await api.get(`${PODS}/del-query`), 404);
  });

  it("404s a missing object and 409s a failed uid precondition", async () => {
    expectStatus(await api.delete(`${CONFIGMAPS}/del-none`), 404, "NotFound");
    await api.create(CONFIGMAPS, configMap("del-pre"));
    const status = expectStatus(
      await api.delete(`${CONFIGMAPS}/del-pre`, { preconditions: { uid: "someone-else" } }),
      409,
      "Conflict",
    );
    expect(status.message).toContain("Precondition failed");
    expect((await api.get(`${CONFIGMAPS}/del-pre`)).status).toBe(200);
  });

  it("refuses an unknown propagationPolicy", async () => {
    await api.create(CONFIGMAPS, configMap("del-policy"));
    expectStatus(
      await api.delete(`${CONFIGMAPS}/del-policy`, { propagationPolicy: "Sideways" }),
      400,
      "BadRequest",
    );
    expect((await api.get(`${CONFIGMAPS}/del-policy`)).status).toBe(200);
  });

  it("deletes a collection by label selector", async () => {
    for (const name of ["dc-1", "dc-2"]) await api.create(CONFIGMAPS, configMap(name, {}, { batch: "dc" }));
    await api.create(CONFIGMAPS, configMap("dc-keep", {}, { batch: "other" }));
    const reply = await api.delete(`${CONFIGMAPS}?labelSelector=batch%3Ddc`);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort()).toEqual([
      "dc-1",
      "dc-2",
    ]);
    expectStatus(await api.get(`${CONFIGMAPS}/dc-1`), 404);
    expect((await api.get(`${CONFIGMAPS}/dc-keep`)).status).toBe(200);
  });
});

describe("finalizers", () => {
  it("keep a deleted object, marked, until a PATCH removes the last one", async () => {
    const cm = configMap("fin");
    cm.metadata.finalizers = ["example.com/hold", "example.com/also"];
    await api.create(CONFIGMAPS, cm);
    const deleted = await api.delete(`${CONFIGMAPS}/fin`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.metadata.deletionTimestamp).toEqual(expect.any(String));

    const marked = await api.get(`${CONFIGMAPS}/fin`);
    expect(marked.status).toBe(200);
    expect(marked.body.metadata.finalizers).toEqual(["example.com/hold", "example.com/also"]);

    const one = await api.patch(`${CONFIGMAPS}/fin`, JSON_PATCH, [
      { op: "remove", path: "/metadata/finalizers/0" },
    ]);
    expect(one.status, one.text).toBe(200);
    expect((await api.get(`${CONFIGMAPS}/fin`)).body.metadata.finalizers).toEqual(["example.com/also"]);

    const last = await api.patch(`${CONFIGMAPS}/fin`, MERGE, { metadata: { finalizers: null } });
    expect(last.status, last.text).toBe(200);
    expectStatus(await api.get(`${CONFIGMAPS}/fin`), 404, "NotFound");
  });

  it("a deleting object keeps its deletionTimestamp whatever an update says", async () => {
    const cm = configMap("fin-ts");
    cm.metadata.finalizers = ["example.com/hold"];
    await api.create(CONFIGMAPS, cm);
    const deleted = (await api.delete(`${CONFIGMAPS}/fin-ts`)).body;
    const reply = await api.patch(`${CONFIGMAPS}/fin-ts`, MERGE, {
      metadata: { deletionTimestamp: null },
      data: { x: "1" },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.metadata.deletionTimestamp).toBe(deleted.metadata.deletionTimestamp);
    await api.patch(`${CONFIGMAPS}/fin-ts`, MERGE, { metadata: { finalizers: null } });
  });

  it("orphan propagation holds the object with the orphan finalizer", async () => {
    await api.create(DEPLOYMENTS, deployment("fin-orphan"));
    const reply = await api.delete(`${DEPLOYMENTS}/fin-orphan`, { propagationPolicy: "Orphan" });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.metadata.finalizers).toEqual(["orphan"]);
    expect(reply.body.metadata.deletionTimestamp).toEqual(expect.any(String));
    await api.patch(`${DEPLOYMENTS}/fin-orphan`, MERGE, { metadata: { finalizers: null } });
    expectStatus(await api.get(`${DEPLOYMENTS}/fin-orphan`), 404);
  });
});

describe("namespaces", () => {
  it("has the system namespaces from the first start", async () => {
    for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      const reply = await api.get(`/api/v1/namespaces/${name}`);
      expect(reply.status).toBe(200);
      expect(reply.body.status.phase).toBe("Active");
    }
  });

  it("a deleted namespace goes Terminating, refuses new content with 403, and goes once finalized", async () => {
    const ns = await api.create("/api/v1/namespaces", { metadata: { name: "doomed" } });
    expect(ns.spec.finalizers).toEqual(["kubernetes"]);
    await api.create("/api/v1/namespaces/doomed/configmaps", configMap("inside"));

    const deleted = await api.delete("/api/v1/namespaces/doomed");
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.body.status.phase).toBe("Terminating");
    expect(deleted.body.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect((await api.get("/api/v1/namespaces/doomed")).body.status.phase).toBe("Terminating");

    const status = expectStatus(
      await api.post("/api/v1/namespaces/doomed/configmaps", configMap("late")),
      403,
      "Forbidden",
    );
    expect(status.message).toBe(
      "unable to create new content in namespace doomed because it is being terminated",
    );
    // What is already inside can still be read and deleted (the namespace controller does that).
    expect((await api.delete("/api/v1/namespaces/doomed/configmaps/inside")).status).toBe(200);

    const current = (await api.get("/api/v1/namespaces/doomed")).body;
    const finalized = await api.put("/api/v1/namespaces/doomed/finalize", {
      ...current,
      spec: { finalizers: [] },
    });
    expect(finalized.status, finalized.text).toBe(200);
    expectStatus(await api.get("/api/v1/namespaces/doomed"), 404, "NotFound");
  });

  it("an update of the namespace cannot drop its spec finalizers", async () => {
    const ns = await api.create("/api/v1/namespaces", { metadata: { name: "sticky" } });
    const reply = await api.put("/api/v1/namespaces/sticky", {
      ...ns,
      metadata: { ...ns.metadata, labels: { x: "y" } },
      spec: { finalizers: [] },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.spec.finalizers).toEqual(["kubernetes"]);
    expect(reply.body.metadata.labels).toMatchObject({ x: "y", "kubernetes.io/metadata.name": "sticky" });
  });
});

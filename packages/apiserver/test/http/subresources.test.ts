import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployment, expectStatus, JSON_PATCH, MERGE, pod, TestServer } from "./helpers.js";

/** status, scale and binding: the subresources controllers, kubectl and the scheduler write through. */
let api: TestServer;

beforeAll(async () => {
  api = await TestServer.start();
});

afterAll(async () => {
  await api?.close();
});

const PODS = "/api/v1/namespaces/default/pods";
const DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";

const binding = (name: string, node: string) => ({
  apiVersion: "v1",
  kind: "Binding",
  metadata: { name },
  target: { apiVersion: "v1", kind: "Node", name: node },
});

describe("status subresource", () => {
  it("PUT status changes only status", async () => {
    const created = await api.create(DEPLOYMENTS, deployment("st-put", 1));
    const reply = await api.put(`${DEPLOYMENTS}/st-put/status`, {
      ...created,
      metadata: { ...created.metadata, labels: { sneaky: "yes" } },
      spec: { ...created.spec, replicas: 7 },
      status: { replicas: 1, readyReplicas: 1, observedGeneration: 1 },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.status).toMatchObject({ replicas: 1, readyReplicas: 1, observedGeneration: 1 });
    expect(reply.body.spec.replicas).toBe(1);
    expect(reply.body.metadata.labels).toEqual({ app: "st-put" });
    expect(reply.body.metadata.generation).toBe(1);
    expect(Number(reply.body.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );
    const stored = (await api.get(`${DEPLOYMENTS}/st-put`)).body;
    expect(stored.spec.replicas).toBe(1);
    expect(stored.status.readyReplicas).toBe(1);
  });

  it("PATCH status changes only status", async () => {
    await api.create(PODS, pod("st-patch"));
    const reply = await api.patch(`${PODS}/st-patch/status`, MERGE, {
      metadata: { labels: { sneaky: "yes" } },
      spec: { nodeName: "somewhere" },
      status: { phase: "Running", podIP: "10.1.0.9" },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.status).toMatchObject({ phase: "Running", podIP: "10.1.0.9" });
    expect(reply.body.spec.nodeName).toBeUndefined();
    expect(reply.body.metadata.labels).toBeUndefined();
  });

  it("a PUT of the main resource leaves status as it was", async () => {
    await api.create(PODS, pod("st-main"));
    await api.patch(`${PODS}/st-main/status`, MERGE, { status: { phase: "Running" } });
    const current = (await api.get(`${PODS}/st-main`)).body;
    const reply = await api.put(`${PODS}/st-main`, {
      ...current,
      metadata: { ...current.metadata, labels: { edited: "yes" } },
      status: { phase: "Failed", message: "not from here" },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.metadata.labels).toEqual({ edited: "yes" });
    expect(reply.body.status.phase).toBe("Running");
    expect(reply.body.status.message).toBeUndefined();
  });

  it("ignores status in a create", async () => {
    const created = await api.create(DEPLOYMENTS, {
      ...deployment("st-create", 1),
      status: { replicas: 99, readyReplicas: 99 },
    });
    expect(created.status?.replicas ?? 0).toBe(0);
  });
});

describe("scale subresource", () => {
  it("reads a Deployment as an autoscaling/v1 Scale with its selector", async () => {
    await api.create(DEPLOYMENTS, deployment("sc-get", 3));
    const reply = await api.get(`${DEPLOYMENTS}/sc-get/scale`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      metadata: { name: "sc-get", namespace: "default" },
      spec: { replicas: 3 },
      status: { selector: "app=sc-get" },
    });
    expectStatus(await api.get(`${DEPLOYMENTS}/nothing/scale`), 404, "NotFound");
  });

  it("PATCH merge on scale changes spec.replicas, as kubectl scale sends it", async () => {
    const created = await api.create(DEPLOYMENTS, deployment("sc-patch", 1));
    const reply = await api.patch(`${DEPLOYMENTS}/sc-patch/scale`, MERGE, { spec: { replicas: 5 } });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toMatchObject({ kind: "Scale", spec: { replicas: 5 } });
    const stored = (await api.get(`${DEPLOYMENTS}/sc-patch`)).body;
    expect(stored.spec.replicas).toBe(5);
    expect(stored.metadata.generation).toBe(2);
    expect(stored.spec.template).toEqual(created.spec.template);
  });

  it("PUT scale with a stale resourceVersion is a 409, a negative count a 422", async () => {
    await api.create(DEPLOYMENTS, deployment("sc-put", 1));
    const scale = (await api.get(`${DEPLOYMENTS}/sc-put/scale`)).body;
    const first = await api.put(`${DEPLOYMENTS}/sc-put/scale`, { ...scale, spec: { replicas: 2 } });
    expect(first.status, first.text).toBe(200);
    expect(first.body.spec.replicas).toBe(2);
    expectStatus(
      await api.put(`${DEPLOYMENTS}/sc-put/scale`, { ...scale, spec: { replicas: 4 } }),
      409,
      "Conflict",
    );
    const invalid = expectStatus(
      await api.patch(`${DEPLOYMENTS}/sc-put/scale`, MERGE, { spec: { replicas: -1 } }),
      422,
      "Invalid",
    );
    expect(invalid.details.causes[0].field).toBe("spec.replicas");
    expect((await api.get(`${DEPLOYMENTS}/sc-put`)).body.spec.replicas).toBe(2);
  });

  it("JSON patch on scale works too", async () => {
    await api.create(DEPLOYMENTS, deployment("sc-json", 1));
    const reply = await api.patch(`${DEPLOYMENTS}/sc-json/scale`, JSON_PATCH, [
      { op: "replace", path: "/spec/replicas", value: 4 },
    ]);
    expect(reply.status, reply.text).toBe(200);
    expect((await api.get(`${DEPLOYMENTS}/sc-json`)).body.spec.replicas).toBe(4);
  });
});

describe("pods/binding", () => {
  it("sets spec.nodeName and the PodScheduled condition", async () => {
    await api.create(PODS, pod("bind-1"));
    const reply = await api.post(`${PODS}/bind-1/binding`, binding("bind-1", "node-a"));
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body).toMatchObject({ kind: "Status", status: "Success" });
    const bound = (await api.get(`${PODS}/bind-1`)).body;
    expect(bound.spec.nodeName).toBe("node-a");
    expect(bound.status.conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "PodScheduled", status: "True" })]),
    );
  });

  it("refuses a second binding with 409 and keeps the first node", async () => {
    await api.create(PODS, pod("bind-2"));
    expect((await api.post(`${PODS}/bind-2/binding`, binding("bind-2", "node-a"))).status).toBe(201);
    const status = expectStatus(
      await api.post(`${PODS}/bind-2/binding`, binding("bind-2", "node-b")),
      409,
      "Conflict",
    );
    expect(status.message).toContain("node-a");
    expect((await api.get(`${PODS}/bind-2`)).body.spec.nodeName).toBe("node-a");
  });

  it("refuses a binding without a target, or for a missing pod", async () => {
    await api.create(PODS, pod("bind-3"));
    const invalid = expectStatus(
      await api.post(`${PODS}/bind-3/binding`, {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name: "bind-3" },
      }),
      422,
      "Invalid",
    );
    expect(invalid.details.causes[0].field).toBe("target.name");
    expectStatus(await api.post(`${PODS}/nobody/binding`, binding("nobody", "node-a")), 404, "NotFound");
  });

  it("does not let a pod update change spec.nodeName", async () => {
    await api.create(PODS, pod("bind-4"));
    const reply = await api.patch(`${PODS}/bind-4`, MERGE, { spec: { nodeName: "node-z" } });
    const status = expectStatus(reply, 422, "Invalid");
    expect(status.message).toContain("spec");
    expect((await api.get(`${PODS}/bind-4`)).body.spec.nodeName).toBeUndefined();
  });
});

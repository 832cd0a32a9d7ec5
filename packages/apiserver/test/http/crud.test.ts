import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configMap, deployment, expectStatus, pod, TestServer } from "./helpers.js";

/** Create, read, list and update through HTTP, as any Kubernetes client does them. */
let api: TestServer;

beforeAll(async () => {
  api = await TestServer.start();
  await api.create("/api/v1/namespaces", { metadata: { name: "other" } });
});

afterAll(async () => {
  await api?.close();
});

const PODS = "/api/v1/namespaces/default/pods";
const CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
const DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("create", () => {
  it("answers 201 with the server's metadata filled in", async () => {
    const reply = await api.post(PODS, pod("create-1"));
    expect(reply.status).toBe(201);
    const meta = reply.body.metadata;
    expect(meta.name).toBe("create-1");
    expect(meta.namespace).toBe("default");
    expect(meta.uid).toMatch(UUID);
    expect(meta.creationTimestamp).toMatch(RFC3339);
    expect(meta.generation).toBe(1);
    expect(meta.resourceVersion).toMatch(/^\d+$/);
    expect(reply.body.status.phase).toBe("Pending");
  });

  it("creates objects of other groups and cluster-scoped ones", async () => {
    const deploy = await api.create(DEPLOYMENTS, deployment("create-web", 2));
    expect(deploy).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment", metadata: { generation: 1 } });
    const ns = await api.create("/api/v1/namespaces", { metadata: { name: "create-ns" } });
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.status.phase).toBe("Active");
    const cm = await api.create(CONFIGMAPS, configMap("create-cm", { a: "1" }));
    expect(cm.data).toEqual({ a: "1" });
  });

  it("fills in kind and apiVersion when the body leaves them out", async () => {
    const cm = await api.create(CONFIGMAPS, { metadata: { name: "create-bare" }, data: { k: "v" } });
    expect(cm).toMatchObject({ kind: "ConfigMap", apiVersion: "v1" });
  });

  it("makes a unique name from generateName", async () => {
    const body = { metadata: { generateName: "gen-" }, data: {} };
    const a = await api.create(CONFIGMAPS, body);
    const b = await api.create(CONFIGMAPS, body);
    expect(a.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(b.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(a.metadata.name).not.toBe(b.metadata.name);
    expect(a.metadata.generateName).toBe("gen-");
  });

  it("refuses a duplicate name with 409 AlreadyExists", async () => {
    await api.create(CONFIGMAPS, configMap("dup"));
    const status = expectStatus(await api.post(CONFIGMAPS, configMap("dup")), 409, "AlreadyExists");
    expect(status.message).toBe('configmaps "dup" already exists');
    expect(status.details).toMatchObject({ name: "dup", kind: "configmaps" });
  });

  it("refuses a namespace that does not exist with 404", async () => {
    const status = expectStatus(
      await api.post("/api/v1/namespaces/nowhere/configmaps", configMap("lost")),
      404,
      "NotFound",
    );
    expect(status.message).toBe('namespaces "nowhere" not found');
  });

  it("refuses a body whose namespace differs from the URL's with 400", async () => {
    const body = { ...configMap("elsewhere"), metadata: { name: "elsewhere", namespace: "other" } };
    expectStatus(await api.post(CONFIGMAPS, body), 400, "BadRequest");
  });

  it("reports every invalid field as a 422 cause with its path", async () => {
    const bad = deployment("bad-deploy", -1);
    bad.spec.template.metadata.labels = { app: "other" };
    bad.spec.template.spec.containers[0].image = "";
    const status = expectStatus(await api.post(DEPLOYMENTS, bad), 422, "Invalid");
    expect(status.message).toMatch(/^Deployment\.apps "bad-deploy" is invalid: /);
    const fields = (status.details.causes as { field: string }[]).map((c) => c.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        "spec.replicas",
        "spec.template.metadata.labels",
        "spec.template.spec.containers[0].image",
      ]),
    );
    expect(status.details).toMatchObject({ name: "bad-deploy", group: "apps", kind: "Deployment" });
    expectStatus(await api.get(`${DEPLOYMENTS}/bad-deploy`), 404);
  });
});

describe("get and list", () => {
  beforeAll(async () => {
    await api.create(CONFIGMAPS, configMap("list-a", {}, { app: "web", tier: "front" }));
    await api.create(CONFIGMAPS, configMap("list-b", {}, { app: "api" }));
    await api.create(CONFIGMAPS, configMap("list-c", {}, { app: "db", tier: "back" }));
    await api.create("/api/v1/namespaces/other/configmaps", configMap("list-d", {}, { app: "web" }));
  });

  it("gets one object by name and 404s a missing one with a Status", async () => {
    const reply = await api.get(`${CONFIGMAPS}/list-a`);
    expect(reply.status).toBe(200);
    expect(reply.body.metadata).toMatchObject({ name: "list-a", labels: { app: "web" } });
    const status = expectStatus(await api.get(`${CONFIGMAPS}/missing`), 404, "NotFound");
    expect(status.message).toBe('configmaps "missing" not found');
    expect(status.details).toMatchObject({ name: "missing", kind: "configmaps" });
  });

  it("lists one namespace, or every namespace on the cluster-wide path", async () => {
    const ns = await api.get(CONFIGMAPS);
    expect(ns.body).toMatchObject({ kind: "ConfigMapList", apiVersion: "v1" });
    expect(ns.body.metadata.resourceVersion).toMatch(/^\d+$/);
    const names = ns.body.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    expect(names).toEqual(expect.arrayContaining(["list-a", "list-b", "list-c"]));
    expect(names).not.toContain("list-d");

    const all = await api.get("/api/v1/configmaps");
    const where = all.body.items.map(
      (i: { metadata: { namespace: string; name: string } }) => `${i.metadata.namespace}/${i.metadata.name}`,
    );
    expect(where).toEqual(expect.arrayContaining(["default/list-a", "other/list-d"]));
  });

  it("lists cluster-scoped objects, the system namespaces among them", async () => {
    const reply = await api.get("/api/v1/namespaces");
    const names = reply.body.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    expect(names).toEqual(
      expect.arrayContaining(["default", "kube-system", "kube-public", "kube-node-lease"]),
    );
  });

  it("filters by label selector", async () => {
    const names = async (selector: string, path = CONFIGMAPS) => {
      const reply = await api.get(`${path}?labelSelector=${encodeURIComponent(selector)}`);
      expect(reply.status, reply.text).toBe(200);
      return reply.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort();
    };
    expect(await names("app=web")).toEqual(["list-a"]);
    expect(await names("app=web", "/api/v1/configmaps")).toEqual(["list-a", "list-d"]);
    expect(await names("app in (web,api)")).toEqual(["list-a", "list-b"]);
    expect(await names("tier,app!=web")).toEqual(["list-c"]);
    expect(await names("app,!tier")).toEqual(["list-b"]);
    expectStatus(
      await api.get(`${CONFIGMAPS}?labelSelector=${encodeURIComponent("app in (")}`),
      400,
      "BadRequest",
    );
  });

  it("filters pods by metadata.name, spec.nodeName and status.phase", async () => {
    for (const name of ["field-a", "field-b", "field-c"]) await api.create(PODS, pod(name));
    const bound = await api.post(`${PODS}/field-a/binding`, {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name: "field-a" },
      target: { apiVersion: "v1", kind: "Node", name: "node-1" },
    });
    expect(bound.status, bound.text).toBe(201);
    const b = (await api.get(`${PODS}/field-b`)).body;
    const running = await api.put(`${PODS}/field-b/status`, {
      ...b,
      status: { ...b.status, phase: "Running" },
    });
    expect(running.status, running.text).toBe(200);

    const names = async (selector: string) => {
      const reply = await api.get(`${PODS}?fieldSelector=${encodeURIComponent(selector)}`);
      expect(reply.status, reply.text).toBe(200);
      return reply.body.items
        .map((i: { metadata: { name: string } }) => i.metadata.name)
        .filter((n: string) => n.startsWith("field-"))
        .sort();
    };
    expect(await names("metadata.name=field-c")).toEqual(["field-c"]);
    expect(await names("spec.nodeName=node-1")).toEqual(["field-a"]);
    expect(await names("spec.nodeName=")).toEqual(["field-b", "field-c"]);
    expect(await names("status.phase=Running")).toEqual(["field-b"]);
    expect(await names("status.phase!=Running,spec.nodeName=")).toEqual(["field-c"]);
  });

  it("refuses a field selector on a field the resource does not support", async () => {
    const status = expectStatus(await api.get(`${PODS}?fieldSelector=spec.image%3Dnginx`), 400, "BadRequest");
    expect(status.message).toContain("spec.image");
    expectStatus(await api.get(`${CONFIGMAPS}?fieldSelector=spec.nodeName%3Dx`), 400, "BadRequest");
  });

  it("pages with limit and continue, all pages from the first page's snapshot while writes happen", async () => {
    const names = ["pg-1", "pg-2", "pg-3", "pg-4", "pg-5", "pg-6", "pg-7"];
    for (const name of names) await api.create(CONFIGMAPS, configMap(name, {}, { batch: "paging" }));
    const base = `${CONFIGMAPS}?labelSelector=batch%3Dpaging&limit=3`;

    const first = await api.get(base);
    expect(first.body.items).toHaveLength(3);
    expect(first.body.metadata.continue).toEqual(expect.any(String));
    expect(first.body.metadata.remainingItemCount).toBe(4);
    const snapshot = first.body.metadata.resourceVersion;

    // Writes between pages: a new object, a deleted one not yet returned, a changed one.
    await api.create(CONFIGMAPS, configMap("pg-8", {}, { batch: "paging" }));
    expect((await api.delete(`${CONFIGMAPS}/pg-6`)).status).toBe(200);
    const changed = await api.patch(`${CONFIGMAPS}/pg-5`, "application/merge-patch+json", {
      data: { x: "1" },
    });
    expect(changed.status).toBe(200);

    const seen = [...first.body.items];
    let token: string | undefined = first.body.metadata.continue;
    while (token) {
      const page = await api.get(`${base}&continue=${encodeURIComponent(token)}`);
      expect(page.status, page.text).toBe(200);
      expect(page.body.metadata.resourceVersion).toBe(snapshot);
      seen.push(...page.body.items);
      token = page.body.metadata.continue;
    }
    expect(seen.map((i) => i.metadata.name)).toEqual(names);
    expect(seen.find((i) => i.metadata.name === "pg-5").data).toEqual({});

    const fresh = await api.get(`${CONFIGMAPS}?labelSelector=batch%3Dpaging`);
    expect(fresh.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual([
      "pg-1",
      "pg-2",
      "pg-3",
      "pg-4",
      "pg-5",
      "pg-7",
      "pg-8",
    ]);
  });

  it("refuses a continue token it did not make", async () => {
    expectStatus(await api.get(`${CONFIGMAPS}?limit=1&continue=garbage`), 400, "BadRequest");
  });

  it("reads a list at an exact resourceVersion, or one not older than it", async () => {
    await api.create(CONFIGMAPS, configMap("rv-a", {}, { batch: "rv" }));
    const before = (await api.get(`${CONFIGMAPS}?labelSelector=batch%3Drv`)).body.metadata.resourceVersion;
    await api.create(CONFIGMAPS, configMap("rv-b", {}, { batch: "rv" }));
    await api.delete(`${CONFIGMAPS}/rv-a`);
    const names = (reply: { body: { items: { metadata: { name: string } }[] } }) =>
      reply.body.items.map((i) => i.metadata.name);

    const exact = await api.get(
      `${CONFIGMAPS}?labelSelector=batch%3Drv&resourceVersion=${before}&resourceVersionMatch=Exact`,
    );
    expect(exact.status, exact.text).toBe(200);
    expect(exact.body.metadata.resourceVersion).toBe(before);
    expect(names(exact)).toEqual(["rv-a"]);

    const notOlder = await api.get(
      `${CONFIGMAPS}?labelSelector=batch%3Drv&resourceVersion=${before}&resourceVersionMatch=NotOlderThan`,
    );
    expect(notOlder.status, notOlder.text).toBe(200);
    expect(Number(notOlder.body.metadata.resourceVersion)).toBeGreaterThan(Number(before));
    expect(names(notOlder)).toEqual(["rv-b"]);

    // resourceVersion=0: any state the server has at hand; it has seen both writes already.
    const any = await api.get(`${CONFIGMAPS}?labelSelector=batch%3Drv&resourceVersion=0`);
    expect(any.status).toBe(200);
    expect(Number(any.body.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(before));

    const latest = await api.get(`${CONFIGMAPS}?labelSelector=batch%3Drv`);
    expect(names(latest)).toEqual(["rv-b"]);
  });

  it("refuses resourceVersionMatch without a resourceVersion, with 0 for Exact, or with an unknown value", async () => {
    for (const query of [
      "resourceVersionMatch=Exact",
      "resourceVersion=0&resourceVersionMatch=Exact",
      "resourceVersion=1&resourceVersionMatch=Sometimes",
    ]) {
      const status = expectStatus(await api.get(`${CONFIGMAPS}?${query}`), 422, "Invalid");
      expect(status.details.causes[0].field).toBe("resourceVersionMatch");
    }
    expectStatus(await api.get(`${CONFIGMAPS}?resourceVersion=abc`), 400, "BadRequest");
  });

  it("answers 410 Expired for an exact list or a next page at a compacted revision", async () => {
    const old = (await api.get(CONFIGMAPS)).body.metadata.resourceVersion;
    const firstPage = await api.get(`${CONFIGMAPS}?limit=1`);
    expect(firstPage.body.metadata.continue).toEqual(expect.any(String));
    await api.create(CONFIGMAPS, configMap("rv-compact"));
    await api.server.store.compact(await api.server.store.currentRevision());
    const status = expectStatus(
      await api.get(`${CONFIGMAPS}?resourceVersion=${old}&resourceVersionMatch=Exact`),
      410,
      "Expired",
    );
    expect(status.message).toContain("too old resource version");
    const page = expectStatus(
      await api.get(`${CONFIGMAPS}?limit=1&continue=${encodeURIComponent(firstPage.body.metadata.continue)}`),
      410,
      "Expired",
    );
    expect(page.message).toContain("continue parameter is too old");
    // A list without a resourceVersion still reads the current state.
    expect((await api.get(CONFIGMAPS)).status).toBe(200);
  });
});

describe("update", () => {
  it("refuses a stale resourceVersion with Kubernetes' 409 Conflict", async () => {
    const created = await api.create(CONFIGMAPS, configMap("upd-stale", { v: "1" }));
    const first = await api.put(`${CONFIGMAPS}/upd-stale`, { ...created, data: { v: "2" } });
    expect(first.status, first.text).toBe(200);
    expect(Number(first.body.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );

    const status = expectStatus(
      await api.put(`${CONFIGMAPS}/upd-stale`, { ...created, data: { v: "3" } }),
      409,
      "Conflict",
    );
    expect(status.message).toBe(
      'Operation cannot be fulfilled on configmaps "upd-stale": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect((await api.get(`${CONFIGMAPS}/upd-stale`)).body.data).toEqual({ v: "2" });
  });

  it("updates unconditionally when the body has no resourceVersion", async () => {
    const created = await api.create(CONFIGMAPS, configMap("upd-free", { v: "1" }));
    const { resourceVersion: _rv, ...meta } = created.metadata;
    const reply = await api.put(`${CONFIGMAPS}/upd-free`, { ...created, metadata: meta, data: { v: "9" } });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.data).toEqual({ v: "9" });
    expect(reply.body.metadata.uid).toBe(created.metadata.uid);
    expect(reply.body.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
  });

  it("bumps generation only when the spec changes", async () => {
    const created = await api.create(DEPLOYMENTS, deployment("upd-gen", 1));
    expect(created.metadata.generation).toBe(1);
    const relabel = await api.put(`${DEPLOYMENTS}/upd-gen`, {
      ...created,
      metadata: { ...created.metadata, labels: { app: "upd-gen", extra: "yes" } },
    });
    expect(relabel.status, relabel.text).toBe(200);
    expect(relabel.body.metadata.generation).toBe(1);

    const rescale = await api.put(`${DEPLOYMENTS}/upd-gen`, {
      ...relabel.body,
      spec: { ...relabel.body.spec, replicas: 3 },
    });
    expect(rescale.status, rescale.text).toBe(200);
    expect(rescale.body.metadata.generation).toBe(2);

    const annotate = await api.patch(`${DEPLOYMENTS}/upd-gen`, "application/merge-patch+json", {
      metadata: { annotations: { note: "x" } },
    });
    expect(annotate.body.metadata.generation).toBe(2);
  });

  it("refuses a body whose name differs from the URL's, and 404s a missing object", async () => {
    const created = await api.create(CONFIGMAPS, configMap("upd-name"));
    expectStatus(
      await api.put(`${CONFIGMAPS}/upd-name`, {
        ...created,
        metadata: { ...created.metadata, name: "other" },
      }),
      400,
      "BadRequest",
    );
    expectStatus(await api.put(`${CONFIGMAPS}/upd-missing`, configMap("upd-missing")), 404, "NotFound");
  });

  it("keeps server-owned metadata when a PUT tries to change it", async () => {
    const created = await api.create(CONFIGMAPS, configMap("upd-owned"));
    const reply = await api.put(`${CONFIGMAPS}/upd-owned`, {
      ...created,
      metadata: { ...created.metadata, uid: "not-mine", creationTimestamp: "2000-01-01T00:00:00Z" },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.metadata.uid).toBe(created.metadata.uid);
    expect(reply.body.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
  });
});

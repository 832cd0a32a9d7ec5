import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APPLY,
  configMap,
  deployment,
  expectStatus,
  JSON_PATCH,
  MERGE,
  STRATEGIC,
  TestServer,
} from "./helpers.js";

/** The four PATCH types, and how unknown fields are refused, warned about or dropped. */
let api: TestServer;

beforeAll(async () => {
  api = await TestServer.start();
});

afterAll(async () => {
  await api?.close();
});

const CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
const DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";

describe("JSON merge patch", () => {
  it("merges maps and deletes keys set to null", async () => {
    await api.create(CONFIGMAPS, configMap("mp", { a: "1", b: "2" }, { keep: "yes", drop: "yes" }));
    const reply = await api.patch(`${CONFIGMAPS}/mp`, MERGE, {
      metadata: { labels: { drop: null, added: "yes" } },
      data: { b: null, c: "3" },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.data).toEqual({ a: "1", c: "3" });
    expect(reply.body.metadata.labels).toEqual({ keep: "yes", added: "yes" });
  });

  it("replaces lists whole", async () => {
    await api.create(DEPLOYMENTS, deployment("mp-list"));
    const reply = await api.patch(`${DEPLOYMENTS}/mp-list`, MERGE, {
      spec: { template: { spec: { containers: [{ name: "only", image: "busybox" }] } } },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(["only"]);
  });

  it("treats a resourceVersion in the patch as a precondition", async () => {
    const created = await api.create(CONFIGMAPS, configMap("mp-rv", { a: "1" }));
    await api.patch(`${CONFIGMAPS}/mp-rv`, MERGE, { data: { a: "2" } });
    const status = expectStatus(
      await api.patch(`${CONFIGMAPS}/mp-rv`, MERGE, {
        metadata: { resourceVersion: created.metadata.resourceVersion },
        data: { a: "3" },
      }),
      409,
      "Conflict",
    );
    expect(status.message).toContain("the object has been modified");
    expect((await api.get(`${CONFIGMAPS}/mp-rv`)).body.data).toEqual({ a: "2" });
  });

  it("404s a patch of a missing object", async () => {
    expectStatus(await api.patch(`${CONFIGMAPS}/mp-missing`, MERGE, { data: {} }), 404, "NotFound");
  });

  it("refuses a patch that makes the object invalid with 422 and changes nothing", async () => {
    await api.create(DEPLOYMENTS, deployment("mp-invalid"));
    const status = expectStatus(
      await api.patch(`${DEPLOYMENTS}/mp-invalid`, MERGE, { spec: { replicas: -3 } }),
      422,
      "Invalid",
    );
    expect(status.details.causes.map((c: { field: string }) => c.field)).toContain("spec.replicas");
    expect((await api.get(`${DEPLOYMENTS}/mp-invalid`)).body.spec.replicas).toBe(1);
  });
});

describe("JSON patch", () => {
  it("applies operations in order", async () => {
    await api.create(CONFIGMAPS, configMap("jp", { a: "1", b: "2" }));
    const reply = await api.patch(`${CONFIGMAPS}/jp`, JSON_PATCH, [
      { op: "test", path: "/data/a", value: "1" },
      { op: "replace", path: "/data/a", value: "10" },
      { op: "remove", path: "/data/b" },
      { op: "add", path: "/metadata/labels", value: { patched: "yes" } },
    ]);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.data).toEqual({ a: "10" });
    expect(reply.body.metadata.labels).toEqual({ patched: "yes" });
  });

  it("refuses a failing test operation with 422 and changes nothing", async () => {
    const created = await api.create(CONFIGMAPS, configMap("jp-test", { a: "1" }));
    const reply = await api.patch(`${CONFIGMAPS}/jp-test`, JSON_PATCH, [
      { op: "test", path: "/data/a", value: "2" },
      { op: "replace", path: "/data/a", value: "3" },
    ]);
    expectStatus(reply, 422);
    const after = (await api.get(`${CONFIGMAPS}/jp-test`)).body;
    expect(after.data).toEqual({ a: "1" });
    expect(after.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it("refuses an operation on a path that does not exist with 422", async () => {
    await api.create(CONFIGMAPS, configMap("jp-path", { a: "1" }));
    expectStatus(
      await api.patch(`${CONFIGMAPS}/jp-path`, JSON_PATCH, [{ op: "remove", path: "/data/zzz" }]),
      422,
    );
  });

  it("refuses a body that is not a list of operations with 400", async () => {
    await api.create(CONFIGMAPS, configMap("jp-shape"));
    const reply = await api.patch(`${CONFIGMAPS}/jp-shape`, JSON_PATCH, { op: "add" });
    expect([400, 422]).toContain(reply.status);
    expectStatus(reply, reply.status);
  });
});

describe("strategic merge patch", () => {
  it("merges containers by name and deletes one with $patch: delete, as kubectl apply sends it", async () => {
    const web = deployment("smp");
    web.spec.template.spec.containers = [
      {
        name: "nginx",
        image: "nginx:1.25",
        env: [{ name: "A", value: "1" }],
        ports: [{ containerPort: 80 }],
      },
      { name: "side", image: "busybox", command: ["sleep", "3600"] },
    ];
    await api.create(DEPLOYMENTS, web);
    const reply = await api.patch(`${DEPLOYMENTS}/smp`, STRATEGIC, {
      metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" } },
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "nginx" }],
            containers: [
              { name: "nginx", image: "nginx:1.26", env: [{ name: "B", value: "2" }] },
              { $patch: "delete", name: "side" },
            ],
          },
        },
      },
    });
    expect(reply.status, reply.text).toBe(200);
    const containers = reply.body.spec.template.spec.containers;
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({
      name: "nginx",
      image: "nginx:1.26",
      ports: [{ containerPort: 80 }],
    });
    // Without a $setElementOrder for env, Kubernetes puts the patch's new items before the live ones.
    expect(containers[0].env).toEqual([
      { name: "B", value: "2" },
      { name: "A", value: "1" },
    ]);
    expect(reply.body.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).toBe("{}");
    expect(reply.body.metadata.generation).toBe(2);
  });

  it("orders merged list items as $setElementOrder says", async () => {
    const web = deployment("smp-order");
    web.spec.template.spec.containers = [
      { name: "a", image: "busybox" },
      { name: "b", image: "busybox" },
    ];
    await api.create(DEPLOYMENTS, web);
    const reply = await api.patch(`${DEPLOYMENTS}/smp-order`, STRATEGIC, {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "c" }, { name: "b" }, { name: "a" }],
            containers: [{ name: "c", image: "nginx" }],
          },
        },
      },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual([
      "c",
      "b",
      "a",
    ]);
  });

  it("replaces plain lists and deletes fields set to null", async () => {
    const web = deployment("smp-plain");
    web.spec.template.spec.containers[0].command = ["sleep", "1"];
    web.spec.template.spec.containers[0].args = ["x"];
    await api.create(DEPLOYMENTS, web);
    const reply = await api.patch(`${DEPLOYMENTS}/smp-plain`, STRATEGIC, {
      spec: {
        template: {
          spec: { containers: [{ name: "app", command: ["sleep", "2"], args: null }] },
        },
      },
    });
    expect(reply.status, reply.text).toBe(200);
    const container = reply.body.spec.template.spec.containers[0];
    expect(container.command).toEqual(["sleep", "2"]);
    expect(container.args).toBeUndefined();
    expect(container.image).toBe("nginx:1.25");
  });
});

describe("server-side apply (apply-patch+yaml)", () => {
  const manifest = (data: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  labels:\n    via: apply\ndata:\n  key: ${data}\n`;

  it("creates a missing object with 201", async () => {
    const reply = await api.patch(`${CONFIGMAPS}/ssa?fieldManager=tester`, APPLY, manifest("one"));
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body.data).toEqual({ key: "one" });
    expect(reply.body.metadata.uid).toEqual(expect.any(String));
    expect(reply.body.metadata.managedFields?.[0]).toMatchObject({ manager: "tester", operation: "Apply" });
  });

  it("updates an existing object with 200, keeping what the manifest does not mention", async () => {
    await api.patch(`${CONFIGMAPS}/ssa`, MERGE, { data: { other: "kept" } });
    const reply = await api.patch(`${CONFIGMAPS}/ssa?fieldManager=tester`, APPLY, manifest("two"));
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.data).toEqual({ key: "two", other: "kept" });
    expect(reply.body.metadata.labels).toEqual({ via: "apply" });
  });

  it("refuses a manifest whose name differs from the URL's", async () => {
    expectStatus(await api.patch(`${CONFIGMAPS}/not-ssa`, APPLY, manifest("x")), 400, "BadRequest");
    expectStatus(await api.get(`${CONFIGMAPS}/not-ssa`), 404);
  });

  it("refuses unknown fields by default", async () => {
    const body = `${manifest("three")}bogus: true\n`;
    const status = expectStatus(
      await api.patch(`${CONFIGMAPS}/ssa?fieldManager=tester`, APPLY, body),
      400,
      "BadRequest",
    );
    expect(status.message).toContain("bogus");
  });
});

describe("fieldValidation", () => {
  const withUnknown = (name: string) => ({ ...configMap(name, { a: "1" }), spec: { surprise: true } });

  it("Strict refuses an unknown field with 400 naming it", async () => {
    const status = expectStatus(
      await api.post(`${CONFIGMAPS}?fieldValidation=Strict`, withUnknown("fv-strict")),
      400,
      "BadRequest",
    );
    expect(status.message).toContain("spec");
    expectStatus(await api.get(`${CONFIGMAPS}/fv-strict`), 404);
  });

  it("Strict refuses an unknown nested field in a patch", async () => {
    await api.create(DEPLOYMENTS, deployment("fv-patch"));
    const status = expectStatus(
      await api.patch(`${DEPLOYMENTS}/fv-patch?fieldValidation=Strict`, MERGE, { spec: { replicaz: 3 } }),
      400,
      "BadRequest",
    );
    expect(status.message).toContain("replicaz");
  });

  it("Warn stores the object without the field and says so in a Warning header", async () => {
    const reply = await api.post(`${CONFIGMAPS}?fieldValidation=Warn`, withUnknown("fv-warn"));
    expect(reply.status, reply.text).toBe(201);
    expect(reply.headers.get("warning")).toMatch(/^299 - ".*spec.*"$/);
    expect(reply.body.spec).toBeUndefined();
    expect((await api.get(`${CONFIGMAPS}/fv-warn`)).body.spec).toBeUndefined();
  });

  it("Warn is the default for clients that do not ask", async () => {
    const reply = await api.post(CONFIGMAPS, withUnknown("fv-default"));
    expect(reply.status, reply.text).toBe(201);
    expect(reply.headers.get("warning")).toContain("spec");
  });

  it("Ignore drops the field silently", async () => {
    const reply = await api.post(`${CONFIGMAPS}?fieldValidation=Ignore`, withUnknown("fv-ignore"));
    expect(reply.status, reply.text).toBe(201);
    expect(reply.headers.get("warning")).toBeNull();
    expect(reply.body.spec).toBeUndefined();
  });

  it("refuses an unknown fieldValidation value", async () => {
    expectStatus(
      await api.post(`${CONFIGMAPS}?fieldValidation=Loose`, configMap("fv-bad")),
      400,
      "BadRequest",
    );
  });
});

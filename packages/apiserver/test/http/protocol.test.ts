import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configMap, expectStatus, pod, TABLE_ACCEPT, TestServer } from "./helpers.js";

/** What every client relies on before it touches an object: discovery, versions, formats, errors. */
let api: TestServer;

beforeAll(async () => {
  api = await TestServer.start();
});

afterAll(async () => {
  await api?.close();
});

const PODS = "/api/v1/namespaces/default/pods";
const CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
const AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/** A Content-Type as its type and parameters (values unquoted), the way Go's mime package reads it. */
function mediaType(header: string | null): Record<string, string> {
  const [type, ...params] = (header ?? "").split(";").map((p) => p.trim());
  const out: Record<string, string> = { type: type ?? "" };
  for (const param of params) {
    const eq = param.indexOf("=");
    out[param.slice(0, eq).toLowerCase()] = param.slice(eq + 1).replace(/^"(.*)"$/, "$1");
  }
  return out;
}

describe("health and version", () => {
  it("answers /version with a Kubernetes version kubectl knows", async () => {
    const reply = await api.get("/version");
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ major: "1", minor: "32" });
    expect(reply.body.gitVersion).toMatch(/^v1\.32\./);
  });

  it("answers /healthz, /livez and /readyz with ok", async () => {
    for (const path of ["/healthz", "/livez", "/readyz"]) {
      const reply = await api.get(path);
      expect(reply.status).toBe(200);
      expect(reply.text).toBe("ok");
    }
  });
});

describe("discovery", () => {
  it("lists the core version and the groups", async () => {
    const core = await api.get("/api", { accept: "application/json" });
    expect(core.body).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const groups = await api.get("/apis", { accept: "application/json" });
    expect(groups.body.kind).toBe("APIGroupList");
    const names = groups.body.groups.map((g: { name: string }) => g.name);
    expect(names).toEqual(expect.arrayContaining(["apps", "batch"]));
  });

  it("describes each resource of a group-version: kind, scope, verbs, short names, subresources", async () => {
    const v1 = await api.get("/api/v1");
    expect(v1.body).toMatchObject({ kind: "APIResourceList", groupVersion: "v1" });
    const byName = new Map(v1.body.resources.map((r: { name: string }) => [r.name, r]));
    expect(byName.get("pods")).toMatchObject({
      kind: "Pod",
      namespaced: true,
      shortNames: ["po"],
      categories: ["all"],
    });
    expect((byName.get("pods") as { verbs: string[] }).verbs).toEqual(
      expect.arrayContaining(["create", "get", "list", "watch", "update", "patch", "delete"]),
    );
    expect(byName.get("namespaces")).toMatchObject({ kind: "Namespace", namespaced: false });
    expect(byName.has("pods/status")).toBe(true);
    expect(byName.has("pods/binding")).toBe(true);

    const apps = await api.get("/apis/apps/v1");
    const deploy = apps.body.resources.find((r: { name: string }) => r.name === "deployments");
    expect(deploy).toMatchObject({ kind: "Deployment", namespaced: true, shortNames: ["deploy"] });
    expect(apps.body.resources.map((r: { name: string }) => r.name)).toContain("deployments/scale");

    expectStatus(await api.get("/apis/nothing.example.com/v1"), 404);
  });

  it("answers aggregated discovery with its own content type when asked first", async () => {
    for (const path of ["/api", "/apis"]) {
      const reply = await api.get(path, { accept: `${AGGREGATED},application/json;q=0.9` });
      expect(reply.status).toBe(200);
      expect(mediaType(reply.headers.get("content-type"))).toMatchObject({
        type: "application/json",
        g: "apidiscovery.k8s.io",
        v: "v2",
        as: "APIGroupDiscoveryList",
      });
      expect(reply.body).toMatchObject({
        kind: "APIGroupDiscoveryList",
        apiVersion: "apidiscovery.k8s.io/v2",
      });
    }
    const apis = (await api.get("/apis", { accept: AGGREGATED })).body;
    const apps = apis.items.find((g: { metadata: { name: string } }) => g.metadata.name === "apps");
    const resources = apps.versions[0].resources.map((r: { resource: string }) => r.resource);
    expect(resources).toContain("deployments");
  });

  it("serves an OpenAPI v3 index whose documents describe each kind", async () => {
    const index = await api.get("/openapi/v3");
    expect(index.status).toBe(200);
    const core = index.body.paths["api/v1"].serverRelativeURL;
    expect(core).toMatch(/^\/openapi\/v3\/api\/v1\?hash=/);
    expect(index.body.paths["apis/apps/v1"]).toBeDefined();
    const doc = await api.get(core);
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toContain("/api/v1/namespaces/{namespace}/pods/{name}");
    expectStatus(await api.get("/openapi/v3/apis/nothing/v9"), 404);
  });
});

describe("tables", () => {
  beforeAll(async () => {
    await api.create(PODS, pod("table-a", { labels: { app: "t" } }));
    await api.create(PODS, pod("table-b", { labels: { app: "t" } }));
  });

  it("prints a list as a Table whose rows carry the object's metadata", async () => {
    const reply = await api.get(`${PODS}?labelSelector=app%3Dt`, { accept: TABLE_ACCEPT });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ kind: "Table", apiVersion: "meta.k8s.io/v1" });
    expect(reply.body.metadata.resourceVersion).toMatch(/^\d+$/);
    const columns = reply.body.columnDefinitions.map((c: { name: string }) => c.name);
    expect(columns.slice(0, 5)).toEqual(["Name", "Ready", "Status", "Restarts", "Age"]);
    const wide = reply.body.columnDefinitions.filter((c: { priority: number }) => c.priority === 1);
    expect(wide.map((c: { name: string }) => c.name)).toContain("Node");
    expect(reply.body.rows).toHaveLength(2);
    const row = reply.body.rows[0];
    expect(row.cells[0]).toBe("table-a");
    expect(row.cells[2]).toBe("Pending");
    expect(row.object).toMatchObject({
      kind: "PartialObjectMetadata",
      metadata: { name: "table-a", namespace: "default", labels: { app: "t" } },
    });
  });

  it("prints a single object as a one-row Table", async () => {
    const reply = await api.get(`${PODS}/table-b`, {
      accept: `${TABLE_ACCEPT},application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json`,
    });
    expect(reply.body.kind).toBe("Table");
    expect(reply.body.rows).toHaveLength(1);
    expect(reply.body.rows[0].cells[0]).toBe("table-b");
  });

  it("leaves the object out of rows with includeObject=None and refuses unknown policies", async () => {
    const reply = await api.get(`${PODS}?labelSelector=app%3Dt&includeObject=None`, { accept: TABLE_ACCEPT });
    expect(reply.body.rows[0].object).toBeUndefined();
    expectStatus(await api.get(`${PODS}?includeObject=All`, { accept: TABLE_ACCEPT }), 400, "BadRequest");
  });

  it("answers JSON when a client asks for protobuf first", async () => {
    const reply = await api.get(`${PODS}/table-a`, {
      accept: "application/vnd.kubernetes.protobuf, application/json",
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    expect(reply.body.kind).toBe("Pod");
  });
});

describe("request bodies and errors", () => {
  it("accepts YAML bodies", async () => {
    const reply = await api.post(
      CONFIGMAPS,
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  key: value\n",
      { contentType: "application/yaml" },
    );
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body.data).toEqual({ key: "value" });
  });

  it("refuses malformed JSON and YAML with 400", async () => {
    const json = expectStatus(await api.post(CONFIGMAPS, '{"metadata": {"name": '), 400, "BadRequest");
    expect(json.message).toContain("JSON");
    const yaml = expectStatus(
      await api.post(CONFIGMAPS, "metadata: [unclosed\n  name: x", { contentType: "application/yaml" }),
      400,
      "BadRequest",
    );
    expect(yaml.message).toContain("YAML");
    expectStatus(await api.post(CONFIGMAPS, "[1, 2]"), 400, "BadRequest");
  });

  it("refuses a malformed protobuf body with 400 (protobuf.test.ts covers the good ones)", async () => {
    const reply = await api.post(CONFIGMAPS, Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a]), {
      contentType: "application/vnd.kubernetes.protobuf",
    });
    expect(expectStatus(reply, 400, "BadRequest").message).toContain("protobuf");
  });

  it("refuses a PATCH whose content type is not a patch type with 415", async () => {
    expectStatus(
      await api.patch(`${CONFIGMAPS}/from-yaml`, "text/plain", "data: {}"),
      415,
      "UnsupportedMediaType",
    );
  });

  it("refuses a body over 3 MiB with 413 and stores nothing", async () => {
    const big = configMap("too-big", { blob: "x".repeat(3 * 1024 * 1024) });
    expectStatus(await api.post(CONFIGMAPS, big), 413, "RequestEntityTooLarge");
    expectStatus(await api.get(`${CONFIGMAPS}/too-big`), 404);
  });

  it("answers unknown paths and resources with a 404 Status", async () => {
    expectStatus(await api.get("/api/v1/namespaces/default/widgets"), 404, "NotFound");
    expectStatus(await api.get("/apis/apps/v1/namespaces/default/pods"), 404, "NotFound");
    expectStatus(await api.get("/nothing/here"), 404, "NotFound");
    expectStatus(await api.get("/api/v1/namespaces/default/configmaps/from-yaml/status"), 404, "NotFound");
  });

  it("answers 405 for a verb the path does not take, and changes nothing", async () => {
    await api.create(PODS, pod("verbs"));
    expectStatus(await api.post(`${CONFIGMAPS}/from-yaml`, configMap("from-yaml")), 405, "MethodNotAllowed");
    expectStatus(await api.put(CONFIGMAPS, configMap("x")), 405, "MethodNotAllowed");
    expectStatus(
      await api.patch(CONFIGMAPS, "application/merge-patch+json", { data: {} }),
      405,
      "MethodNotAllowed",
    );
    expectStatus(await api.delete(`${PODS}/verbs/status`), 405, "MethodNotAllowed");
    expectStatus(await api.post(`${PODS}/verbs/status`, pod("verbs")), 405, "MethodNotAllowed");
    expectStatus(await api.get(`${PODS}/verbs/binding`), 405, "MethodNotAllowed");
    expect((await api.get(`${PODS}/verbs`)).status).toBe(200);
  });
});

import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectStatus, TestServer } from "./helpers.js";

/** Protobuf request bodies over HTTP: they land in the same create path as JSON ones. */
let api: TestServer;

beforeAll(async () => {
  api = await TestServer.start();
});

afterAll(async () => {
  await api?.close();
});

const PROTOBUF = "application/vnd.kubernetes.protobuf";
// What client-go's typed clients ask for: protobuf first, JSON as the fallback.
const ACCEPT = "application/vnd.kubernetes.protobuf,application/json";
const fixture = (name: string) => readFileSync(new URL(`../fixtures/protobuf/${name}.pb`, import.meta.url));
const post = (path: string, name: string | Buffer) =>
  api.post(path, typeof name === "string" ? fixture(name) : name, { contentType: PROTOBUF, accept: ACCEPT });

describe("protobuf bodies from kubectl create", () => {
  it("creates a deployment, defaulted as a JSON one is, and answers JSON", async () => {
    const reply = await post(
      "/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create&fieldValidation=Strict",
      "deployment-web",
    );
    expect(reply.status, reply.text).toBe(201);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    expect(reply.body).toMatchObject({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "default", generation: 1 },
      spec: { replicas: 2, strategy: { type: "RollingUpdate" } },
    });
    const container = reply.body.spec.template.spec.containers[0];
    expect(container).toMatchObject({ image: "nginx:1.25", ports: [{ containerPort: 80, protocol: "TCP" }] });
  });

  it("stores secret data that reads back as the literal values", async () => {
    const reply = await post("/api/v1/namespaces/default/secrets?fieldValidation=Strict", "secret-generic");
    expect(reply.status, reply.text).toBe(201);
    const stored = (await api.get("/api/v1/namespaces/default/secrets/sec")).body;
    expect(Buffer.from(stored.data.pass, "base64").toString()).toBe("p@ss w0rd");
    expect(stored.type).toBe("Opaque");
  });

  it("creates namespaces, configmaps, jobs, cronjobs, services and PDBs", async () => {
    const cases: [string, string][] = [
      ["/api/v1/namespaces", "namespace"],
      ["/api/v1/namespaces/default/configmaps", "configmap-files"],
      ["/apis/batch/v1/namespaces/default/jobs", "job"],
      ["/apis/batch/v1/namespaces/default/cronjobs", "cronjob"],
      ["/api/v1/namespaces/default/services", "service-nodeport"],
      ["/apis/policy/v1/namespaces/default/poddisruptionbudgets", "poddisruptionbudget"],
    ];
    for (const [path, name] of cases) {
      const reply = await post(`${path}?fieldValidation=Strict`, name);
      expect(reply.status, `${name}: ${reply.text}`).toBe(201);
    }
    const service = (await api.get("/api/v1/namespaces/default/services/np")).body;
    expect(service.spec).toMatchObject({
      type: "NodePort",
      ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }],
    });
    expect(service.spec.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("answers 404 for a kind the server does not serve, as it would for JSON", async () => {
    expectStatus(await post("/api/v1/namespaces/default/serviceaccounts", "serviceaccount"), 404, "NotFound");
  });

  it("answers 415 naming the kind when a served resource gets a kind without a schema", async () => {
    const status = expectStatus(await post("/api/v1/namespaces/default/configmaps", "serviceaccount"), 415);
    expect(status.message).toContain("v1 ServiceAccount");
  });

  it("refuses a protobuf body over 3 MiB with 413", async () => {
    const big = Buffer.concat([fixture("configmap-literals"), Buffer.alloc(3 * 1024 * 1024)]);
    expectStatus(await post("/api/v1/namespaces/default/configmaps", big), 413, "RequestEntityTooLarge");
  });

  it("answers 400 naming the problem for a body that is not a Kubernetes protobuf", async () => {
    const status = expectStatus(
      await post("/api/v1/namespaces/default/configmaps", Buffer.from("{}")),
      400,
      "BadRequest",
    );
    expect(status.message).toContain("k8s");
  });
});

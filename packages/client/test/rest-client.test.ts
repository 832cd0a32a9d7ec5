import { createServer } from "node:net";
import {
  isAlreadyExists,
  isConflict,
  isNotFound,
  type KindInfo,
  kindForApiVersion,
  StatusError,
} from "@minik8s/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectionError } from "../src/connection-error.js";
import type { KubeObject } from "../src/kube-object.js";
import { resourcePath } from "../src/resource-path.js";
import { Client } from "../src/rest-client.js";
import { type FakeApiServer, startFakeApiServer } from "./fake-apiserver.js";

const PODS = kindForApiVersion("v1", "Pod") as KindInfo;
const DEPLOYMENTS = kindForApiVersion("apps/v1", "Deployment") as KindInfo;
const NODES = kindForApiVersion("v1", "Node") as KindInfo;
const NAMESPACES = kindForApiVersion("v1", "Namespace") as KindInfo;

function pod(name: string, namespace = "default"): KubeObject & { spec: object } {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: { app: "web" } },
    spec: { containers: [{ name: "c", image: "busybox" }] },
  };
}

describe("resourcePath", () => {
  it("builds core, group, namespaced, cluster-scoped and subresource paths", () => {
    expect(resourcePath(PODS, { namespace: "default", name: "web" })).toBe(
      "/api/v1/namespaces/default/pods/web",
    );
    expect(resourcePath(PODS, {})).toBe("/api/v1/pods");
    expect(resourcePath(DEPLOYMENTS, { namespace: "ns", name: "d", subresource: "scale" })).toBe(
      "/apis/apps/v1/namespaces/ns/deployments/d/scale",
    );
    expect(resourcePath(NODES, { namespace: "ignored", name: "n1" })).toBe("/api/v1/nodes/n1");
    expect(resourcePath(NAMESPACES, { name: "kube-system" })).toBe("/api/v1/namespaces/kube-system");
    expect(() => resourcePath(PODS, { namespace: "default", name: "" })).toThrow(/needs a name/);
  });
});

describe("Client against a fake apiserver", () => {
  let server: FakeApiServer;
  let client: Client;

  beforeAll(async () => {
    server = await startFakeApiServer();
    client = new Client({ server: server.url, token: "secret-token", namespace: "default" });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  it("creates, gets, lists, updates and deletes with the right verbs and paths", async () => {
    server.requests.length = 0;
    const created = await client.create(pod("a"), { fieldManager: "test", dryRun: false });
    expect(created.metadata?.resourceVersion).toBeDefined();
    const got = await client.get(PODS, "default", "a");
    expect(got.metadata?.uid).toBe(created.metadata?.uid);

    await client.create(pod("b", "other"));
    const inDefault = await client.list(PODS, { namespace: "default", labelSelector: "app=web", limit: 10 });
    expect(inDefault.items.map((p) => p.metadata?.name)).toEqual(["a"]);
    const everywhere = await client.list(PODS);
    expect(everywhere.items).toHaveLength(2);
    expect(everywhere.metadata.resourceVersion).toBeDefined();

    const updated = await client.update({ ...got, metadata: { ...got.metadata, labels: { app: "api" } } });
    expect(updated.metadata?.labels).toEqual({ app: "api" });
    await client.updateStatus({ ...updated, status: { phase: "Running" } } as typeof updated);
    const patched = await client.patch(PODS, "default", "a", "application/merge-patch+json", {
      metadata: { annotations: { note: "x" } },
    });
    expect(patched.metadata?.annotations).toEqual({ note: "x" });
    await client.delete(PODS, "default", "a", { gracePeriodSeconds: 0, propagationPolicy: "Background" });

    const seen = server.requests.map((r) => `${r.method} ${r.url}`);
    expect(seen).toEqual([
      "POST /api/v1/namespaces/default/pods?fieldManager=test",
      "GET /api/v1/namespaces/default/pods/a",
      "POST /api/v1/namespaces/other/pods",
      "GET /api/v1/namespaces/default/pods?labelSelector=app%3Dweb&limit=10",
      "GET /api/v1/pods",
      "PUT /api/v1/namespaces/default/pods/a",
      "PUT /api/v1/namespaces/default/pods/a/status",
      "PATCH /api/v1/namespaces/default/pods/a",
      "DELETE /api/v1/namespaces/default/pods/a",
    ]);
    const patch = server.requests[7];
    expect(patch?.headers["content-type"]).toBe("application/merge-patch+json");
    const del = server.requests[8];
    expect(JSON.parse(del?.body ?? "{}")).toMatchObject({
      kind: "DeleteOptions",
      gracePeriodSeconds: 0,
      propagationPolicy: "Background",
    });
    expect(server.requests.every((r) => r.headers.authorization === "Bearer secret-token")).toBe(true);
  });

  it("uses the default namespace when an object names none, and dryRun=All when asked", async () => {
    server.requests.length = 0;
    await client.create(
      { ...pod("c"), metadata: { name: "c" } },
      { dryRun: true, fieldValidation: "Strict" },
    );
    expect(server.requests[0]?.url).toBe("/api/v1/namespaces/default/pods?dryRun=All&fieldValidation=Strict");
  });

  it("turns the server's Status into a StatusError", async () => {
    const missing = await client.get(PODS, "default", "nope").catch((e) => e);
    expect(missing).toBeInstanceOf(StatusError);
    expect(isNotFound(missing)).toBe(true);
    expect(missing.code).toBe(404);

    await client.create(pod("dup"));
    expect(isAlreadyExists(await client.create(pod("dup")).catch((e) => e))).toBe(true);

    const current = await client.get(PODS, "default", "dup");
    await client.update({ ...current, metadata: { ...current.metadata, labels: { v: "1" } } });
    const stale = await client
      .update({ ...current, metadata: { ...current.metadata, labels: { v: "2" } } })
      .catch((e) => e);
    expect(isConflict(stale)).toBe(true);
  });

  it("gives a reason from the HTTP code when the body is not a Status", async () => {
    server.intercept = () => ({ status: 503, body: "upstream unavailable", contentType: "text/plain" });
    try {
      const err = await client.get(PODS, "default", "x").catch((e) => e);
      expect(err).toBeInstanceOf(StatusError);
      expect(err.code).toBe(503);
      expect(err.reason).toBe("ServiceUnavailable");
      expect(err.message).toContain("upstream unavailable");
    } finally {
      server.intercept = undefined;
    }
  });

  it("reads and writes the scale subresource", async () => {
    await client.create({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "default" },
      spec: { replicas: 2 },
    });
    expect((await client.getScale(DEPLOYMENTS, "default", "web")).spec?.replicas).toBe(2);
    await client.patchScale(DEPLOYMENTS, "default", "web", "application/merge-patch+json", {
      spec: { replicas: 5 },
    });
    expect((await client.getScale(DEPLOYMENTS, "default", "web")).spec?.replicas).toBe(5);
    await client.updateScale(DEPLOYMENTS, "default", "web", {
      metadata: { name: "web" },
      spec: { replicas: 1 },
    });
    expect((await client.getScale(DEPLOYMENTS, "default", "web")).spec?.replicas).toBe(1);
  });

  it("posts a Binding and makes generic and text requests", async () => {
    await client.create(pod("unbound"));
    await client.bind("default", "unbound", "node-1");
    const bound = await client.get<KubeObject & { spec?: { nodeName?: string } }>(PODS, "default", "unbound");
    expect(bound.spec?.nodeName).toBe("node-1");

    server.intercept = (r) =>
      r.url.includes("/log")
        ? { status: 200, body: "line 1\nline 2\n", contentType: "text/plain" }
        : undefined;
    try {
      const text = await client.requestText({
        path: "/api/v1/namespaces/default/pods/unbound/log",
        query: { container: "c", tailLines: 2, follow: false },
      });
      expect(text).toBe("line 1\nline 2\n");
      expect(server.requests.at(-1)?.url).toBe(
        "/api/v1/namespaces/default/pods/unbound/log?container=c&tailLines=2&follow=false",
      );
    } finally {
      server.intercept = undefined;
    }
  });

  it("deletes a collection with selectors", async () => {
    server.intercept = (r) =>
      r.method === "DELETE" && r.url.startsWith("/api/v1/namespaces/default/pods?")
        ? {
            status: 200,
            body: JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: {}, items: [] }),
          }
        : undefined;
    try {
      await client.deleteCollection(PODS, {
        namespace: "default",
        labelSelector: "app=web",
        propagationPolicy: "Foreground",
      });
      const last = server.requests.at(-1);
      expect(last?.url).toBe("/api/v1/namespaces/default/pods?labelSelector=app%3Dweb");
      expect(JSON.parse(last?.body ?? "{}").propagationPolicy).toBe("Foreground");
    } finally {
      server.intercept = undefined;
    }
  });

  it("refuses objects of unknown kinds with a message that says why", async () => {
    await expect(client.create({ apiVersion: "v9", kind: "Nope", metadata: { name: "x" } })).rejects.toThrow(
      /cannot tell where to send v9 Nope "x"/,
    );
  });
});

describe("connection errors", () => {
  it("names the server and how to start a cluster when the connection is refused", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));

    const client = new Client({ server: `http://127.0.0.1:${port}` });
    try {
      const err = await client.get(PODS, "default", "x").catch((e) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err.code).toBe("ECONNREFUSED");
      expect(err.message).toContain(`http://127.0.0.1:${port}`);
      expect(err.message).toContain("npx minik8s up");
    } finally {
      client.close();
    }
  });

  it("rejects URLs that are not http or https", () => {
    expect(() => new Client({ server: "ftp://x" })).toThrow(/use http:\/\/ or https:\/\//);
  });
});

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KUBERNETES_VERSION } from "@minik8s/api";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  DISCOVERY_V2_CONTENT_TYPE,
} from "../../src/discovery/discovery.js";
import { openApiDocument, openApiIndex } from "../../src/discovery/openapi.js";
import { includeObjectPolicy, wantsAggregatedDiscovery, wantsTable } from "../../src/http/negotiation.js";
import { toTable } from "../../src/tables/to-table.js";
import type { ApiObject } from "../../src/watch/watch-event.js";

/**
 * The real kubectl against a small server made of this module's pieces: discovery, OpenAPI and
 * Tables from a static list. It checks what kubectl prints and what it sends.
 */
const KUBECTL = "/usr/bin/kubectl";

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const PODS: ApiObject[] = [
  {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "web-1",
      namespace: "default",
      creationTimestamp: minutesAgo(30),
      labels: { app: "web" },
    },
    spec: { nodeName: "node-a", containers: [{ name: "app", image: "nginx" }] },
    status: {
      phase: "Running",
      podIP: "10.1.0.5",
      podIPs: [{ ip: "10.1.0.5" }],
      containerStatuses: [{ name: "app", ready: true, restartCount: 0, state: { running: {} } }],
    },
  },
  {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "worker-1",
      namespace: "default",
      creationTimestamp: minutesAgo(30),
      labels: { app: "worker" },
    },
    spec: { nodeName: "node-b", containers: [{ name: "w", image: "busybox" }] },
    status: {
      phase: "Running",
      containerStatuses: [
        {
          name: "w",
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: minutesAgo(20) } },
        },
      ],
    },
  },
];

const DEPLOYMENTS: ApiObject[] = [
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", creationTimestamp: minutesAgo(30) },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: { spec: { containers: [{ name: "app", image: "nginx" }] } },
    },
    status: { replicas: 2, readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 },
  },
];

interface Seen {
  method: string;
  url: string;
  accept: string | undefined;
}

let server: FastifyInstance;
let home: string;
const seen: Seen[] = [];
const stored = new Map<string, ApiObject>();
const patches: { contentType: string | undefined; body: unknown }[] = [];

function listOrTable(
  plural: string,
  group: string,
  listKind: string,
  apiVersion: string,
  items: ApiObject[],
  accept: string | undefined,
  query: Record<string, unknown>,
) {
  if (wantsTable(accept)) {
    return toTable(plural, group, items, {
      includeObject: includeObjectPolicy(query),
      listMeta: { resourceVersion: "7" },
    });
  }
  return { apiVersion, kind: listKind, metadata: { resourceVersion: "7" }, items };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "kubectl-home-"));
  server = Fastify();
  server.addHook("onRequest", async (req) => {
    seen.push({ method: req.method, url: req.url, accept: req.headers.accept });
  });
  server.get("/version", async () => ({ ...KUBERNETES_VERSION, platform: "linux/amd64" }));
  server.get("/api", async (req, reply) => {
    if (!wantsAggregatedDiscovery(req.headers.accept)) return apiVersions("127.0.0.1");
    return reply.type(DISCOVERY_V2_CONTENT_TYPE).send(JSON.stringify(aggregatedDiscovery("core")));
  });
  server.get("/apis", async (req, reply) => {
    if (!wantsAggregatedDiscovery(req.headers.accept)) return apiGroupList();
    return reply.type(DISCOVERY_V2_CONTENT_TYPE).send(JSON.stringify(aggregatedDiscovery("apis")));
  });
  server.get("/api/v1", async () => apiResourceList("", "v1"));
  server.get<{ Params: { g: string; v: string } }>("/apis/:g/:v", async (req) =>
    apiResourceList(req.params.g, req.params.v),
  );
  server.get("/openapi/v3", async () => openApiIndex());
  server.get("/openapi/v3/api/v1", async () => openApiDocument("", "v1"));
  server.get<{ Params: { g: string; v: string } }>("/openapi/v3/apis/:g/:v", async (req, reply) => {
    const doc = openApiDocument(req.params.g, req.params.v);
    return doc ?? reply.code(404).send({ kind: "Status", apiVersion: "v1", status: "Failure", code: 404 });
  });
  server.get<{ Querystring: Record<string, unknown> }>("/api/v1/namespaces/default/pods", async (req) =>
    listOrTable("pods", "", "PodList", "v1", PODS, req.headers.accept, req.query),
  );
  server.get<{ Querystring: Record<string, unknown> }>("/api/v1/pods", async (req) =>
    listOrTable("pods", "", "PodList", "v1", PODS, req.headers.accept, req.query),
  );
  server.get<{ Querystring: Record<string, unknown> }>(
    "/apis/apps/v1/namespaces/default/deployments",
    async (req) =>
      listOrTable(
        "deployments",
        "apps",
        "DeploymentList",
        "apps/v1",
        DEPLOYMENTS,
        req.headers.accept,
        req.query,
      ),
  );
  // A tiny object store for apply: GET an item, POST a collection, PATCH an item.
  const itemPath = (prefix: string, plural: string) => `${prefix}/namespaces/default/${plural}/:name`;
  for (const [prefix, plural] of [
    ["/api/v1", "configmaps"],
    ["/apis/apps/v1", "deployments"],
  ] as const) {
    server.get<{ Params: { name: string } }>(itemPath(prefix, plural), async (req, reply) => {
      const found = stored.get(`${plural}/${req.params.name}`);
      if (found) return found;
      return reply.code(404).send({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: `${plural} "${req.params.name}" not found`,
        reason: "NotFound",
        details: { name: req.params.name, kind: plural },
        code: 404,
      });
    });
    server.post<{ Body: ApiObject }>(`${prefix}/namespaces/default/${plural}`, async (req, reply) => {
      const obj = req.body;
      obj.metadata = {
        ...obj.metadata,
        namespace: "default",
        uid: "u-1",
        resourceVersion: "8",
        creationTimestamp: new Date().toISOString(),
      };
      stored.set(`${plural}/${obj.metadata.name}`, obj);
      return reply.code(201).send(obj);
    });
    server.patch<{ Params: { name: string }; Body: unknown }>(itemPath(prefix, plural), async (req) => {
      patches.push({ contentType: req.headers["content-type"], body: req.body });
      return stored.get(`${plural}/${req.params.name}`);
    });
  }
  server.addContentTypeParser(
    ["application/strategic-merge-patch+json", "application/merge-patch+json", "application/json-patch+json"],
    { parseAs: "string" },
    (_req, body, done) => done(null, JSON.parse(body as string)),
  );
  await server.listen({ host: "127.0.0.1", port: 0 });
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await writeFile(
    join(home, "kubeconfig"),
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- cluster: {server: "http://127.0.0.1:${port}"}`,
      "  name: test",
      "contexts:",
      "- context: {cluster: test, user: test, namespace: default}",
      "  name: test",
      "current-context: test",
      "users:",
      "- name: test",
      "  user: {}",
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await server?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      args,
      // A fresh HOME each run: kubectl caches discovery and OpenAPI under ~/.kube/cache.
      {
        env: { PATH: process.env.PATH ?? "", HOME: home, KUBECONFIG: join(home, "kubeconfig") },
        timeout: 30_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ stdout, stderr, code });
      },
    );
  });
}

/** Table output as rows of cells (kubectl separates columns by at least three spaces). */
function cells(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split("\n")
    .map((line) => line.trim().split(/\s{3,}/));
}

describe.skipIf(!existsSync(KUBECTL))("the real kubectl", () => {
  it("prints pods from a server-side Table, using aggregated discovery", async () => {
    const { stdout, stderr, code } = await kubectl("get", "pods");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(cells(stdout)).toEqual([
      ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
      ["web-1", "1/1", "Running", "0", "30m"],
      ["worker-1", "0/1", "CrashLoopBackOff", "3 (20m ago)", "30m"],
    ]);
    const listCall = seen.find((s) => s.url.startsWith("/api/v1/namespaces/default/pods"));
    expect(listCall?.accept).toContain("as=Table");
    // Aggregated discovery answered /api and /apis: no per-group-version requests.
    expect(seen.some((s) => s.url === "/api/v1" || s.url.startsWith("/apis/apps/v1?"))).toBe(false);
  });

  it("prints the wide columns, labels and namespaces from row metadata", async () => {
    const wide = await kubectl("get", "pods", "-o", "wide");
    expect(wide.code).toBe(0);
    expect(cells(wide.stdout)[0]).toEqual([
      "NAME",
      "READY",
      "STATUS",
      "RESTARTS",
      "AGE",
      "IP",
      "NODE",
      "NOMINATED NODE",
      "READINESS GATES",
    ]);
    expect(cells(wide.stdout)[1]).toEqual([
      "web-1",
      "1/1",
      "Running",
      "0",
      "30m",
      "10.1.0.5",
      "node-a",
      "<none>",
      "<none>",
    ]);
    const labels = await kubectl("get", "pods", "--show-labels");
    expect(cells(labels.stdout)[1]).toEqual(["web-1", "1/1", "Running", "0", "30m", "app=web"]);
    const all = await kubectl("get", "pods", "-A");
    expect(cells(all.stdout)[0]?.[0]).toBe("NAMESPACE");
    expect(cells(all.stdout)[1]?.slice(0, 2)).toEqual(["default", "web-1"]);
  });

  it("resolves short names and prints deployments", async () => {
    const { stdout, code, stderr } = await kubectl("get", "deploy");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(cells(stdout)).toEqual([
      ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
      ["web", "1/2", "2", "1", "30m"],
    ]);
  });

  it("lists resources with their short names and scope", async () => {
    const { stdout, code } = await kubectl("api-resources", "--no-headers");
    expect(code).toBe(0);
    const rows = cells(stdout);
    expect(rows).toContainEqual(["deployments", "deploy", "apps/v1", "true", "Deployment"]);
    expect(rows).toContainEqual(["nodes", "no", "v1", "false", "Node"]);
  });

  it("applies with validation left to the server (fieldValidation=Strict)", async () => {
    const manifest = join(home, "cm.yaml");
    await writeFile(
      manifest,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n',
    );
    const { stdout, stderr, code } = await kubectl("apply", "-f", manifest);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trim()).toBe("configmap/settings created");
    const post = seen.find(
      (s) => s.method === "POST" && s.url.startsWith("/api/v1/namespaces/default/configmaps"),
    );
    expect(post?.url).toContain("fieldValidation=Strict");
    expect(seen.some((s) => s.url.startsWith("/openapi/v3/api/v1?hash="))).toBe(true);
    expect(stored.get("configmaps/settings")?.metadata?.annotations).toHaveProperty(
      "kubectl.kubernetes.io/last-applied-configuration",
    );
  });

  it("re-applies with a strategic merge patch computed from kubectl's own types", async () => {
    const manifest = join(home, "deploy.yaml");
    const deployment = (containers: string) =>
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: shop",
        "spec:",
        "  replicas: 1",
        "  selector: {matchLabels: {app: shop}}",
        "  template:",
        "    metadata: {labels: {app: shop}}",
        "    spec:",
        "      containers:",
        containers,
        "",
      ].join("\n");
    await writeFile(
      manifest,
      deployment('      - {name: nginx, image: "nginx:1.25"}\n      - {name: side, image: busybox}'),
    );
    expect((await kubectl("apply", "-f", manifest)).stdout.trim()).toBe("deployment.apps/shop created");
    await writeFile(manifest, deployment('      - {name: nginx, image: "nginx:1.26"}'));
    const { stdout, stderr, code } = await kubectl("apply", "-f", manifest);
    // No "warning: error calculating patch from openapi v3 spec".
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trim()).toBe("deployment.apps/shop configured");
    const patch = patches.at(-1);
    expect(patch?.contentType).toBe("application/strategic-merge-patch+json");
    const spec =
      (patch?.body as { spec: { template: { spec: Record<string, unknown> } } } | undefined)?.spec.template
        .spec ?? {};
    expect(spec["$setElementOrder/containers"]).toEqual([{ name: "nginx" }]);
    expect(spec.containers).toEqual(
      expect.arrayContaining([
        { name: "nginx", image: "nginx:1.26" },
        { $patch: "delete", name: "side" },
      ]),
    );
  });
});

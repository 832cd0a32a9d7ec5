import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiServer, startApiServer } from "@minik8s/apiserver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMkctl } from "../src/program.js";
import { captureIo } from "./helpers.js";

let server: ApiServer;
let dir: string;
let kubeconfig: string;

async function mkctl(args: string[], stdin = "") {
  const io = captureIo({ HOME: dir }, stdin);
  const code = await runMkctl(["--kubeconfig", kubeconfig, ...args], io.deps);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const manifests = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web, tier: front}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: httpd
        image: minik8s/busybox:1
        ports: [{containerPort: 8080}, {containerPort: 9090, protocol: UDP}]
---
apiVersion: v1
kind: Pod
metadata: {name: lone, labels: {run: lone}}
spec:
  containers: [{name: c, image: minik8s/busybox:1, ports: [{name: http, containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: bare}
spec:
  containers: [{name: c, image: minik8s/busybox:1}]
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mkctl-expose-"));
  server = await startApiServer({ dataDir: join(dir, "data"), host: "127.0.0.1", port: 0, logger: false });
  kubeconfig = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: local, cluster: {server: "${server.url}"}}]
users: [{name: admin, user: {}}]
contexts: [{name: local, context: {cluster: local, user: admin, namespace: default}}]
current-context: local
`,
  );
  const applied = await mkctl(["apply", "-f", "-"], manifests);
  expect(applied.code).toBe(0);
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function getJson(args: string[]) {
  const r = await mkctl([...args, "-o", "json"]);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout);
}

describe("mkctl expose", () => {
  it("exposes a deployment: its selector, its labels, the given ports", async () => {
    const r = await mkctl(["expose", "deployment", "web", "--port", "80", "--target-port", "8080"]);
    expect(r).toMatchObject({ code: 0, stdout: "service/web exposed\n" });
    const svc = await getJson(["get", "service", "web"]);
    expect(svc.metadata.labels).toEqual({ app: "web", tier: "front" });
    expect(svc.spec.selector).toEqual({ app: "web" });
    expect(svc.spec.ports).toEqual([{ protocol: "TCP", port: 80, targetPort: 8080 }]);
    expect(svc.spec.type).toBe("ClusterIP");
    expect(svc.spec.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("takes the ports from the containers when --port is absent, naming each", async () => {
    const r = await mkctl(["expose", "deploy/web", "--name", "web-all", "--type", "NodePort"]);
    expect(r.stdout).toBe("service/web-all exposed\n");
    const svc = await getJson(["get", "svc", "web-all"]);
    expect(svc.spec.type).toBe("NodePort");
    expect(
      svc.spec.ports.map((p: { name: string; port: number; protocol: string; targetPort: number }) => [
        p.name,
        p.port,
        p.protocol,
        p.targetPort,
      ]),
    ).toEqual([
      ["port-1", 8080, "TCP", 8080],
      ["port-2", 9090, "UDP", 9090],
    ]);
  });

  it("exposes a pod by its labels as a headless service with a named target port", async () => {
    const r = await mkctl([
      "expose",
      "pod",
      "lone",
      "--port",
      "80",
      "--target-port",
      "http",
      "--cluster-ip",
      "None",
      "--name",
      "lone-headless",
    ]);
    expect(r.stdout).toBe("service/lone-headless exposed\n");
    const svc = await getJson(["get", "svc", "lone-headless"]);
    expect(svc.spec.clusterIP).toBe("None");
    expect(svc.spec.selector).toEqual({ run: "lone" });
    expect(svc.spec.ports[0].targetPort).toBe("http");
  });

  it("exposes a service again under another name, with --selector and --protocol winning", async () => {
    const r = await mkctl([
      "expose",
      "service",
      "web",
      "--name",
      "web-udp",
      "--protocol",
      "UDP",
      "--selector",
      "app=web,tier=x",
    ]);
    expect(r.stdout).toBe("service/web-udp exposed\n");
    const svc = await getJson(["get", "svc", "web-udp"]);
    expect(svc.spec.selector).toEqual({ app: "web", tier: "x" });
    expect(svc.spec.ports).toEqual([{ protocol: "UDP", port: 80, targetPort: 80 }]);
  });

  it("prints without creating on --dry-run=client", async () => {
    const r = await mkctl([
      "expose",
      "deployment",
      "web",
      "--port",
      "81",
      "--name",
      "dry",
      "--dry-run=client",
      "-o",
      "yaml",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("kind: Service");
    expect(r.stdout).toContain("port: 81");
    const get = await mkctl(["get", "svc", "dry"]);
    expect(get.code).not.toBe(0);
  });

  it("fails clearly without a selector or a port, or for a kind it cannot expose", async () => {
    const noLabels = await mkctl(["expose", "pod", "bare", "--port", "80"]);
    expect(noLabels.code).not.toBe(0);
    expect(noLabels.stderr).toContain("couldn't retrieve selectors via --selector flag or introspection");
    const noPort = await mkctl(["expose", "pod", "bare", "--selector", "a=b"]);
    expect(noPort.stderr).toContain("couldn't find port via --port flag or introspection");
    const node = await mkctl(["expose", "namespace", "default", "--port", "80"]);
    expect(node.stderr).toContain("cannot expose a Namespace");
    const missing = await mkctl(["expose", "deployment", "nope", "--port", "80"]);
    expect(missing.stderr).toContain('deployments.apps "nope" not found');
  });
});

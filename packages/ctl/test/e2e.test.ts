import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type ApiServer, startApiServer } from "@minik8s/apiserver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMkctl } from "../src/program.js";
import { captureIo } from "./helpers.js";

const KUBECTL = "/usr/bin/kubectl";
let server: ApiServer;
let dir: string;
let kubeconfig: string;

async function mkctl(args: string[], stdin = "") {
  const io = captureIo({ HOME: dir }, stdin);
  const code = await runMkctl(["--kubeconfig", kubeconfig, ...args], io.deps);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const deployment = (image: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mkctl-e2e-"));
  server = await startApiServer({ dataDir: join(dir, "data"), host: "127.0.0.1", port: 0, logger: false });
  kubeconfig = file(
    "kubeconfig",
    `apiVersion: v1
kind: Config
clusters: [{name: local, cluster: {server: "${server.url}"}}]
users: [{name: admin, user: {}}]
contexts: [{name: local, context: {cluster: local, user: admin, namespace: default}}]
current-context: local
`,
  );
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("mkctl against a real apiserver", () => {
  it("applies, re-applies an edit, and leaves an unchanged manifest alone", async () => {
    const v1 = file("web.yaml", deployment("nginx:1.25", 2));
    const first = await mkctl(["apply", "-f", v1]);
    expect(first).toMatchObject({ code: 0, stdout: "deployment.apps/web created\nservice/web created\n" });

    const v2 = file("web2.yaml", deployment("nginx:1.26", 3));
    const second = await mkctl(["apply", "-f", v2]);
    expect(second.stdout).toBe("deployment.apps/web configured\nservice/web unchanged\n");
    const got = await mkctl([
      "get",
      "deploy",
      "web",
      "-o",
      "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.metadata.resourceVersion}",
    ]);
    const [replicas, image, rv] = got.stdout.split(" ");
    expect([replicas, image]).toEqual(["3", "nginx:1.26"]);

    const third = await mkctl(["apply", "-f", v2]);
    expect(third.stdout).toBe("deployment.apps/web unchanged\nservice/web unchanged\n");
    const after = await mkctl(["get", "deploy", "web", "-o", "jsonpath={.metadata.resourceVersion}"]);
    expect(after.stdout).toBe(rv);
  });

  it("prints tables, yaml, json, names, jsonpath and custom columns", async () => {
    const table = await mkctl(["get", "svc"]);
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(
      /^NAME {9}TYPE {8}CLUSTER-IP {3}EXTERNAL-IP {3}PORT\(S\) {3}AGE$/,
    );
    expect(table.stdout).toMatch(/\nweb +ClusterIP +10\.96\.\d+\.\d+ +<none> +80\/TCP +\d+s\n/);

    const yaml = await mkctl(["get", "deploy", "web", "-o", "yaml"]);
    expect(yaml.stdout).toMatch(
      /^apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n {2}annotations:\n {4}kubectl.kubernetes.io\/last-applied-configuration: \|/,
    );

    const json = JSON.parse((await mkctl(["get", "svc", "-o", "json"])).stdout);
    expect(json.kind).toBe("List");
    expect(json.items.map((i: { kind: string }) => i.kind)).toEqual(["Service", "Service"]);

    expect((await mkctl(["get", "deploy,svc", "-o", "name"])).stdout).toBe(
      "deployment.apps/web\nservice/kubernetes\nservice/web\n",
    );
    const cols = await mkctl([
      "get",
      "deploy",
      "-o",
      "custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas",
    ]);
    expect(cols.stdout).toBe("NAME   REPLICAS\nweb    3\n");

    const all = await mkctl(["get", "all"]);
    expect(all.stdout).toMatch(
      /^NAME +TYPE.*\nservice\/kubernetes .*\nservice\/web .*\n\nNAME +READY +UP-TO-DATE +AVAILABLE +AGE\ndeployment\.apps\/web +0\/3 /,
    );

    const labels = await mkctl(["get", "svc", "-A", "--show-labels"]);
    expect(labels.stdout.split("\n")[0]).toMatch(/^NAMESPACE +NAME .* LABELS$/);
  });

  it("says when nothing is found, and suggests a resource for a typo", async () => {
    const none = await mkctl(["get", "pods"]);
    expect(none).toMatchObject({ code: 0, stdout: "", stderr: "No resources found in default namespace.\n" });
    const typo = await mkctl(["get", "podz"]);
    expect(typo).toMatchObject({
      code: 1,
      stderr: 'error: the server doesn\'t have a resource type "podz"\nDid you mean "pods"?\n',
    });
    const missing = await mkctl(["get", "deploy", "nope"]);
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n',
    });
  });

  it("reports every invalid field of a manifest", async () => {
    const bad = file(
      "bad.yaml",
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec:\n  replicas: -1\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c}]\n",
    );
    const res = await mkctl(["apply", "-f", bad]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('The Deployment "bad" is invalid: \n* spec.replicas: Invalid value: -1');
    expect(res.stderr).toContain("* spec.template.spec.containers[0].image: Required value");
  });

  it("describes a deployment and a service", async () => {
    const d = await mkctl(["describe", "deployment", "web"]);
    expect(d.stdout).toMatch(/^Name: +web\nNamespace: +default\nCreationTimestamp: /);
    expect(d.stdout).toContain(
      "Replicas:               3 desired | 0 updated | 0 total | 0 available | 0 unavailable\n",
    );
    expect(d.stdout).toContain(
      "Pod Template:\n  Labels:  app=web\n  Containers:\n   nginx:\n    Image:         nginx:1.26\n",
    );
    const s = await mkctl(["describe", "svc", "web"]);
    expect(s.stdout).toContain(
      "Port:                     <unset>  80/TCP\nTargetPort:               80/TCP\n",
    );
  });

  it("labels, scales and watches", async () => {
    expect((await mkctl(["label", "svc", "web", "tier=front"])).stdout).toBe("service/web labeled\n");
    const clash = await mkctl(["label", "svc", "web", "tier=back"]);
    expect(clash).toMatchObject({
      code: 1,
      stderr: "error: 'tier' already has a value (front), and --overwrite is false\n",
    });
    expect((await mkctl(["scale", "deploy", "web", "--replicas=5"])).stdout).toBe(
      "deployment.apps/web scaled\n",
    );
    expect((await mkctl(["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"])).stdout).toBe("5");

    const watching = mkctl(["get", "configmaps", "-w", "--request-timeout=3s"]);
    await new Promise((r) => setTimeout(r, 500));
    const cm = file(
      "cm.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: '1'}\n",
    );
    expect((await mkctl(["create", "-f", cm])).stdout).toBe("configmap/settings created\n");
    const watched = await watching;
    expect(watched.stdout).toMatch(/^NAME +DATA +AGE\nsettings +1 +\d+s\n/);
  });

  it("deletes and waits until the objects are gone", async () => {
    const res = await mkctl(["delete", "-f", join(dir, "web2.yaml")]);
    expect(res).toMatchObject({ code: 0, stdout: 'deployment.apps "web" deleted\nservice "web" deleted\n' });
    expect((await mkctl(["get", "deploy", "web"])).code).toBe(1);
    const again = await mkctl(["delete", "svc", "web"]);
    expect(again).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): services "web" not found\n',
    });
  });

  it("explains connection failures with how to start a cluster", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const io = captureIo({ HOME: dir });
    const code = await runMkctl(["--server", `http://127.0.0.1:${port}`, "get", "pods"], io.deps);
    expect(code).toBe(1);
    expect(io.stderr).toContain(`The connection to the server 127.0.0.1:${port} was refused`);
    expect(io.stderr).toContain("npx minik8s up");
  });

  it.skipIf(!existsSync(KUBECTL))("prints the same tables as kubectl", async () => {
    await mkctl(["apply", "-f", join(dir, "web.yaml")]);
    const run = promisify(execFile);
    // Ages can tick between the two runs; the rest must match byte for byte.
    const normalize = (s: string) => s.replace(/ \d+(s|m\d*s?|h\d*m?|d\d*h?)$/gm, " AGE");
    for (const args of [
      ["get", "svc"],
      ["get", "deploy", "-o", "wide"],
      ["get", "all"],
      ["get", "svc", "-A", "--show-labels"],
      ["get", "ns"],
    ]) {
      const home = mkdtempSync(join(dir, "home-"));
      const theirs = await run(KUBECTL, ["--kubeconfig", kubeconfig, ...args], {
        env: { HOME: home, PATH: process.env.PATH },
      });
      const ours = await mkctl(args);
      expect(normalize(ours.stdout), args.join(" ")).toBe(normalize(theirs.stdout));
    }
  });
});

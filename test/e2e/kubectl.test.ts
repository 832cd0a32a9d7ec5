import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { TestApiServer, writeKubeconfig } from "../support/apiserver.js";

/**
 * The real kubectl against the minik8s apiserver: the everyday commands a Kubernetes user types,
 * their output and their exit codes.
 */
const KUBECTL = "/usr/bin/kubectl";
const haveKubectl = existsSync(KUBECTL);
if (!haveKubectl) {
  console.warn(`\n!!! SKIPPING the kubectl end-to-end tests: ${KUBECTL} is not installed.\n`);
}

const manifest = (opts: { image: string; side: boolean }) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: ${opts.image}
        ports:
        - containerPort: 80
${
  opts.side
    ? `      - name: side
        image: busybox:1.36
        command: ["sleep", "3600"]
`
    : ""
}---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
`;

const INVALID = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  replicas: -1
  selector:
    matchLabels:
      app: broken
  template:
    metadata:
      labels:
        app: broken
    spec:
      containers:
      - name: app
        image: ""
`;

let api: TestApiServer;
let home: string;
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

function kubectl(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(KUBECTL, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ stdout, stderr, code });
    });
  });
}

/** The lines of kubectl's output as cells (columns are separated by at least two spaces). */
function table(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split("\n")
    .map((line) => line.trim().split(/\s{2,}/));
}

async function file(name: string, text: string): Promise<string> {
  const path = join(home, name);
  await writeFile(path, text);
  return path;
}

describe.skipIf(!haveKubectl)("the real kubectl against the apiserver", () => {
  beforeAll(async () => {
    api = await TestApiServer.start();
    // A fresh HOME: kubectl caches discovery and OpenAPI under ~/.kube/cache.
    home = await mkdtemp(join(tmpdir(), "kubectl-e2e-"));
    const kubeconfig = await writeKubeconfig(home, api.url);
    env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, KUBECONFIG: kubeconfig };
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await api?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const DEPLOY = "/apis/apps/v1/namespaces/default/deployments/web";
  const SERVICE = "/api/v1/namespaces/default/services/web";

  it("apply creates a Deployment and a Service", async () => {
    const path = await file("app.yaml", manifest({ image: "nginx:1.25", side: true }));
    const run = await kubectl("apply", "-f", path);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual(["deployment.apps/web created", "service/web created"]);
    const deploy = await api.request("GET", DEPLOY);
    expect(deploy.status).toBe(200);
    expect(deploy.body.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).toContain(
      '"side"',
    );
    expect((await api.request("GET", SERVICE)).body.spec.clusterIP).toMatch(/^10\./);
  });

  it("re-applying the same manifest changes nothing", async () => {
    const before = [(await api.request("GET", DEPLOY)).body, (await api.request("GET", SERVICE)).body];
    const run = await kubectl("apply", "-f", join(home, "app.yaml"));
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual(["deployment.apps/web unchanged", "service/web unchanged"]);
    const after = [(await api.request("GET", DEPLOY)).body, (await api.request("GET", SERVICE)).body];
    expect(after.map((o) => o.metadata.resourceVersion)).toEqual(
      before.map((o) => o.metadata.resourceVersion),
    );
  });

  it("applying an edited manifest patches it: new image, removed container", async () => {
    const path = await file("app.yaml", manifest({ image: "nginx:1.26", side: false }));
    const run = await kubectl("apply", "-f", path);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual([
      "deployment.apps/web configured",
      "service/web unchanged",
    ]);
    const deploy = (await api.request("GET", DEPLOY)).body;
    const containers = deploy.spec.template.spec.containers;
    expect(containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`)).toEqual([
      "nginx=nginx:1.26",
    ]);
    expect(deploy.metadata.generation).toBe(2);
  });

  it("get prints the server's table", async () => {
    const run = await kubectl("get", "deployments");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const [header, row, ...rest] = table(run.stdout);
    expect(header).toEqual(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
    expect(row?.slice(0, 4)).toEqual(["web", "0/2", "0", "0"]);
    expect(rest).toEqual([]);
  });

  it("get -o wide adds the wide columns", async () => {
    const run = await kubectl("get", "deployments", "-o", "wide");
    expect(run.code).toBe(0);
    const [header, row] = table(run.stdout);
    expect(header).toEqual([
      "NAME",
      "READY",
      "UP-TO-DATE",
      "AVAILABLE",
      "AGE",
      "CONTAINERS",
      "IMAGES",
      "SELECTOR",
    ]);
    expect(row?.slice(5)).toEqual(["nginx", "nginx:1.26", "app=web"]);
  });

  it("get -o yaml, -o json and -o name print the object", async () => {
    const yaml = await kubectl("get", "deployment", "web", "-o", "yaml");
    expect(yaml.code).toBe(0);
    expect(parseYaml(yaml.stdout)).toMatchObject({
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { replicas: 2 },
    });

    const json = await kubectl("get", "service", "web", "-o", "json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      kind: "Service",
      apiVersion: "v1",
      metadata: { name: "web" },
    });

    const names = await kubectl("get", "deploy,svc", "-o", "name");
    expect(names.code).toBe(0);
    expect(names.stdout.trim().split("\n").sort()).toEqual([
      "deployment.apps/web",
      "service/kubernetes",
      "service/web",
    ]);
  });

  it("get --show-labels and -A read the metadata the Table rows carry", async () => {
    const labels = await kubectl("get", "deployments", "--show-labels");
    expect(labels.code).toBe(0);
    const [header, row] = table(labels.stdout);
    expect(header?.at(-1)).toBe("LABELS");
    expect(row?.at(-1)).toBe("app=web");

    const all = await kubectl("get", "services", "-A");
    expect(all.code).toBe(0);
    const rows = table(all.stdout);
    expect(rows[0]?.slice(0, 3)).toEqual(["NAMESPACE", "NAME", "TYPE"]);
    expect(
      rows
        .slice(1)
        .map((r) => `${r[0]}/${r[1]}`)
        .sort(),
    ).toEqual(["default/kubernetes", "default/web"]);
  });

  it("get -w prints a change made while it watches", async () => {
    const child = spawn(KUBECTL, ["get", "deployments", "-w"], { env, timeout: 20_000 });
    children.push(child);
    let out = "";
    let wake: (() => void) | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      wake?.();
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const until = async (predicate: () => boolean) => {
      while (!predicate()) {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`kubectl get -w ended: ${out}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 200);
        });
      }
    };
    try {
      await until(() => /\bweb\s+0\/2\b/.test(out));
      const patched = await api.request(
        "PATCH",
        `${DEPLOY}/scale`,
        { spec: { replicas: 3 } },
        "application/merge-patch+json",
      );
      expect(patched.status).toBe(200);
      await until(() => /\bweb\s+0\/3\b/.test(out));
      const rows = table(out);
      expect(rows[0]?.[0]).toBe("NAME");
      expect(rows.filter((r) => r[0] === "web").map((r) => r[1])).toEqual(["0/2", "0/3"]);
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("scale sets the replicas through the scale subresource", async () => {
    const run = await kubectl("scale", "deployment/web", "--replicas=5");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("deployment.apps/web scaled");
    expect((await api.request("GET", DEPLOY)).body.spec.replicas).toBe(5);
  });

  it("label adds a label", async () => {
    const run = await kubectl("label", "deployment", "web", "tier=front");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("deployment.apps/web labeled");
    expect((await api.request("GET", DEPLOY)).body.metadata.labels).toEqual({ app: "web", tier: "front" });
    const selected = await kubectl("get", "deployments", "-l", "tier=front", "-o", "name");
    expect(selected.stdout.trim()).toBe("deployment.apps/web");
  });

  it("an invalid manifest fails with exit code 1 naming every bad field", async () => {
    const path = await file("broken.yaml", INVALID);
    const run = await kubectl("apply", "-f", path);
    expect(run.code).toBe(1);
    // kubectl rebuilds the message from the Status' kind, name and causes.
    expect(run.stderr).toContain('The Deployment "broken" is invalid');
    expect(run.stderr).toContain("* spec.replicas: Invalid value: -1");
    expect(run.stderr).toContain("* spec.template.spec.containers[0].image: Required value");
    expect((await api.request("GET", "/apis/apps/v1/namespaces/default/deployments/broken")).status).toBe(
      404,
    );
  });

  it("an unknown field fails the apply with exit code 1 naming it", async () => {
    const path = await file(
      "unknown.yaml",
      INVALID.replace("replicas: -1", "replicaz: 1").replace('image: ""', "image: x"),
    );
    const run = await kubectl("apply", "-f", path);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("replicaz");
  });

  it("get of a missing object exits 1 with NotFound", async () => {
    const run = await kubectl("get", "deployment", "nothing");
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nothing" not found');
  });

  it("delete -f removes what the manifest names", async () => {
    const run = await kubectl("delete", "-f", join(home, "app.yaml"));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual(['deployment.apps "web" deleted', 'service "web" deleted']);
    expect((await api.request("GET", DEPLOY)).status).toBe(404);
    expect((await api.request("GET", SERVICE)).status).toBe(404);
    const empty = await kubectl("get", "deployments");
    expect(empty.code).toBe(0);
    expect(empty.stderr.trim()).toBe("No resources found in default namespace.");
  });
});

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestApiServer, writeKubeconfig } from "../support/apiserver.js";

/**
 * kubectl's typed commands (`create deployment`, `create secret`, ...) send their bodies as
 * `application/vnd.kubernetes.protobuf`: the real kubectl creating objects through them, and
 * reading them back.
 */
const KUBECTL = "/usr/bin/kubectl";
const haveKubectl = existsSync(KUBECTL);
if (!haveKubectl) {
  console.warn(`\n!!! SKIPPING the kubectl create end-to-end tests: ${KUBECTL} is not installed.\n`);
}

let api: TestApiServer;
let home: string;
let env: NodeJS.ProcessEnv;

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

async function created(...args: string[]): Promise<string> {
  const run = await kubectl(...args);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trim();
}

describe.skipIf(!haveKubectl)("kubectl create (protobuf bodies) against the apiserver", () => {
  beforeAll(async () => {
    api = await TestApiServer.start();
    // A fresh HOME: kubectl caches discovery under ~/.kube/cache.
    home = await mkdtemp(join(tmpdir(), "kubectl-create-e2e-"));
    const kubeconfig = await writeKubeconfig(home, api.url);
    env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, KUBECONFIG: kubeconfig };
  });

  afterAll(async () => {
    await api?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it("create deployment makes a defaulted Deployment that get lists", async () => {
    expect(
      await created("create", "deployment", "web", "--image=nginx:1.25", "--replicas=2", "--port=80"),
    ).toBe("deployment.apps/web created");
    const deploy = (await api.request("GET", "/apis/apps/v1/namespaces/default/deployments/web")).body;
    expect(deploy.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      strategy: { type: "RollingUpdate" },
    });
    expect(deploy.spec.template.spec.containers).toMatchObject([
      { name: "nginx", image: "nginx:1.25", ports: [{ containerPort: 80, protocol: "TCP" }] },
    ]);
    const rows = (await kubectl("get", "deployments", "-o", "name")).stdout.trim().split("\n");
    expect(rows).toContain("deployment.apps/web");
    // The error comes back as a JSON Status, which kubectl reads although it asked for protobuf.
    const again = await kubectl("create", "deployment", "web", "--image=nginx:1.25");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('deployments.apps "web" already exists');
  });

  it("create configmap --from-literal stores the literals", async () => {
    expect(
      await created("create", "configmap", "cfg", "--from-literal=a=1", "--from-literal=b=hello world"),
    ).toBe("configmap/cfg created");
    const data = await kubectl("get", "configmap", "cfg", "-o", "jsonpath={.data}");
    expect(JSON.parse(data.stdout)).toEqual({ a: "1", b: "hello world" });
  });

  it("create secret generic round-trips its data", async () => {
    expect(
      await created(
        "create",
        "secret",
        "generic",
        "sec",
        "--from-literal=user=admin",
        "--from-literal=pass=p@ss w0rd",
      ),
    ).toBe("secret/sec created");
    const pass = await kubectl("get", "secret", "sec", "-o", "jsonpath={.data.pass}");
    expect(Buffer.from(pass.stdout, "base64").toString()).toBe("p@ss w0rd");
    const type = await kubectl("get", "secret", "sec", "-o", "jsonpath={.type}");
    expect(type.stdout).toBe("Opaque");
  });

  it("create namespace, job and service clusterip", async () => {
    expect(await created("create", "namespace", "team-a")).toBe("namespace/team-a created");
    expect(await created("create", "job", "once", "--image=busybox:1", "--", "echo", "hi")).toBe(
      "job.batch/once created",
    );
    expect(await created("create", "service", "clusterip", "svc", "--tcp=80:8080")).toBe(
      "service/svc created",
    );

    expect((await kubectl("get", "namespace", "team-a", "-o", "name")).stdout.trim()).toBe(
      "namespace/team-a",
    );
    const command = await kubectl(
      "get",
      "job",
      "once",
      "-o",
      "jsonpath={.spec.template.spec.containers[0].command}",
    );
    expect(JSON.parse(command.stdout)).toEqual(["echo", "hi"]);
    const svc = (await api.request("GET", "/api/v1/namespaces/default/services/svc")).body;
    expect(svc.spec).toMatchObject({
      type: "ClusterIP",
      selector: { app: "svc" },
      ports: [{ name: "80-8080", port: 80, targetPort: 8080, protocol: "TCP" }],
    });
    const table = await kubectl("get", "services");
    expect(table.stdout).toMatch(/^svc\s+ClusterIP\s+\d+\.\d+\.\d+\.\d+/m);
  });

  it("create of a kind the server does not serve fails as not found", async () => {
    const run = await kubectl("create", "serviceaccount", "robot");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("could not find the requested resource");
  });
});

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type ApiServer, startApiServer } from "@minik8s/apiserver";
import { Client } from "@minik8s/client";
import { ControllerManager } from "@minik8s/controller-manager";
import { Kubelet, SimRuntime, simulatedMachine } from "@minik8s/kubelet";
import {
  defaultSchedulerConfig,
  profilesFromConfig,
  type RunningScheduler,
  startScheduler,
} from "@minik8s/scheduler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMkctl } from "../src/program.js";
import { captureIo } from "./helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: objects read back as JSON
type Json = any;

const KUBECTL = "/usr/bin/kubectl";
const MACHINE = simulatedMachine("sim-host", "192.0.2.20");

let dir: string;
let kubeconfig: string;
let server: ApiServer;
let client: Client;
let scheduler: RunningScheduler;
let manager: ControllerManager;
let kubelet: Kubelet;
const sim = new SimRuntime();

async function mkctl(...args: string[]) {
  const io = captureIo({ HOME: dir });
  const code = await runMkctl(["--kubeconfig", kubeconfig, ...args], io.deps);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

async function ok(...args: string[]): Promise<string> {
  const r = await mkctl(...args);
  expect(r.stderr, `mkctl ${args.join(" ")}`).toBe("");
  expect(r.code, `mkctl ${args.join(" ")}`).toBe(0);
  return r.stdout;
}

async function deployment(name: string): Promise<Json> {
  return JSON.parse(await ok("get", "deployment", name, "-o", "json"));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mkctl-rollout-"));
  server = await startApiServer({ dataDir: join(dir, "data"), host: "127.0.0.1", port: 0, logger: false });
  client = new Client({ server: server.url });
  kubelet = new Kubelet({
    client,
    nodeName: "sim-1",
    runtime: sim,
    rootDir: join(dir, "kubelet"),
    machine: MACHINE,
    relistPeriodMs: 50,
  });
  await kubelet.start();
  scheduler = await startScheduler({ client, profiles: profilesFromConfig(defaultSchedulerConfig()) });
  manager = new ControllerManager({ client, workers: 2 });
  manager.start();
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
});

afterAll(async () => {
  await manager?.stop();
  await scheduler?.stop();
  await kubelet?.stop();
  client?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("mkctl rollout against a cluster with a simulated node", () => {
  it("creates a deployment whose rollout status succeeds", async () => {
    expect(
      await ok("create", "deployment", "web", "--image", "httpd:2.4", "--replicas", "2", "--port", "80"),
    ).toBe("deployment.apps/web created\n");
    const out = await ok("rollout", "status", "deployment/web", "--timeout", "60s");
    expect(out.trimEnd().split("\n").at(-1)).toBe('deployment "web" successfully rolled out');
    const d = await deployment("web");
    expect(d.spec.template.spec.containers).toEqual([
      expect.objectContaining({
        name: "httpd",
        image: "httpd:2.4",
        ports: [expect.objectContaining({ containerPort: 80 })],
      }),
    ]);
    expect(d.spec.selector.matchLabels).toEqual({ app: "web" });
  });

  it("sets an image, reports progress and rolls it out", async () => {
    expect(await ok("set", "image", "deploy/web", "httpd=httpd:2.5")).toBe(
      "deployment.apps/web image updated\n",
    );
    const out = await ok("rollout", "status", "deploy/web", "--timeout", "60s");
    expect(out).toMatch(
      /^Waiting for (deployment spec update to be observed|deployment "web" rollout to finish)/,
    );
    expect(out.endsWith('deployment "web" successfully rolled out\n')).toBe(true);
    expect((await deployment("web")).spec.template.spec.containers[0].image).toBe("httpd:2.5");
  });

  it("lists two revisions, and shows one revision's template", async () => {
    expect(await ok("rollout", "history", "deployment/web")).toBe(
      "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n",
    );
    const one = await ok("rollout", "history", "deployment/web", "--revision", "1");
    expect(one).toMatch(/^deployment.apps\/web with revision #1\nPod Template:\n/);
    expect(one).toContain("    Image:\thttpd:2.4\n");
    const missing = await mkctl("rollout", "history", "deployment/web", "--revision", "9");
    expect([missing.code, missing.stderr]).toEqual([1, "error: unable to find the specified revision\n"]);
  });

  it.skipIf(!existsSync(KUBECTL))("prints the same history as kubectl", async () => {
    const home = mkdtempSync(join(tmpdir(), "kubectl-home-"));
    try {
      for (const args of [
        ["rollout", "history", "deployment/web"],
        ["rollout", "history", "deployment/web", "--revision", "2"],
      ]) {
        const theirs = await promisify(execFile)(KUBECTL, ["--kubeconfig", kubeconfig, ...args], {
          env: { HOME: home, PATH: process.env.PATH },
        });
        expect(await ok(...args), args.join(" ")).toBe(theirs.stdout);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("undoes to the previous template as revision 3", async () => {
    expect(await ok("rollout", "undo", "deployment/web")).toBe("deployment.apps/web rolled back\n");
    await ok("rollout", "status", "deployment/web", "--timeout", "60s");
    const d = await deployment("web");
    expect(d.spec.template.spec.containers[0].image).toBe("httpd:2.4");
    expect(d.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("3");
    expect(await ok("rollout", "history", "deployment/web")).toBe(
      "deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n",
    );
    const again = await mkctl("rollout", "undo", "deployment/web", "--to-revision", "3");
    expect(again.stdout).toBe(
      "deployment.apps/web skipped rollback (current template already matches revision 3)\n",
    );
    const gone = await mkctl("rollout", "undo", "deployment/web", "--to-revision", "1");
    expect([gone.code, gone.stderr]).toEqual([1, "error: unable to find specified revision 1 in history\n"]);
  });

  it("restarts into a new ReplicaSet", async () => {
    const before = JSON.parse(await ok("get", "replicasets", "-l", "app=web", "-o", "json")).items.length;
    expect(await ok("rollout", "restart", "deployment/web")).toBe("deployment.apps/web restarted\n");
    await ok("rollout", "status", "deployment/web", "--timeout", "60s");
    const d = await deployment("web");
    expect(d.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]).toMatch(
      /^\d{4}-\d\d-\d\dT/,
    );
    const after = JSON.parse(await ok("get", "replicasets", "-l", "app=web", "-o", "json")).items;
    expect(after.length).toBe(before + 1);
  });

  it("pauses and resumes", async () => {
    expect(await ok("rollout", "pause", "deployment/web")).toBe("deployment.apps/web paused\n");
    expect((await deployment("web")).spec.paused).toBe(true);
    const twice = await mkctl("rollout", "pause", "deployment/web");
    expect([twice.code, twice.stderr]).toEqual([1, 'error: deployments.apps "web" is already paused\n']);
    const restart = await mkctl("rollout", "restart", "deployment/web");
    expect(restart.stderr).toBe(
      `error: deployments.apps "web" can't restart paused deployment (run rollout resume first)\n`,
    );
    expect(await ok("rollout", "resume", "deployment/web")).toBe("deployment.apps/web resumed\n");
    expect((await deployment("web")).spec.paused).toBeUndefined();
  });

  it("sets env and resources on the template", async () => {
    expect(await ok("set", "env", "deploy/web", "MODE=prod", "LEVEL=3")).toBe(
      "deployment.apps/web env updated\n",
    );
    expect(await ok("set", "env", "deploy/web", "LEVEL-")).toBe("deployment.apps/web env updated\n");
    expect(
      await ok("set", "resources", "deploy/web", "--limits=cpu=200m,memory=512Mi", "--requests=cpu=100m"),
    ).toBe("deployment.apps/web resource requirements updated\n");
    const c = (await deployment("web")).spec.template.spec.containers[0];
    expect(c.env).toEqual([{ name: "MODE", value: "prod" }]);
    expect(c.resources).toEqual({ limits: { cpu: "200m", memory: "512Mi" }, requests: { cpu: "100m" } });
    await ok("rollout", "status", "deployment/web", "--timeout", "60s");
  });

  it("fails rollout status on a missing deployment and on a timeout", async () => {
    const missing = await mkctl("rollout", "status", "deployment/nope");
    expect([missing.code, missing.stderr]).toEqual([
      1,
      'Error from server (NotFound): deployments.apps "nope" not found\n',
    ]);
    sim.failPull("httpd:broken");
    await ok("set", "image", "deploy/web", "*=httpd:broken");
    const stuck = await mkctl("rollout", "status", "deployment/web", "--timeout", "2s");
    expect([stuck.code, stuck.stderr]).toEqual([1, "error: timed out waiting for the condition\n"]);
    expect(stuck.stdout).toContain('Waiting for deployment "web" rollout to finish');
  });

  it.skipIf(!existsSync(KUBECTL))("fails with kubectl's words and exit codes", async () => {
    const home = mkdtempSync(join(tmpdir(), "kubectl-home-"));
    try {
      for (const args of [
        ["rollout", "undo", "deployment/web", "--to-revision", "99"],
        ["rollout", "history", "deployment/web", "--revision", "99"],
        ["rollout", "resume", "deployment/web"],
        ["set", "image", "deploy/web", "nosuch=x"],
      ]) {
        const theirs = await promisify(execFile)(KUBECTL, ["--kubeconfig", kubeconfig, ...args], {
          env: { HOME: home, PATH: process.env.PATH },
        }).then(
          (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
          (e: { code: number; stdout: string; stderr: string }) => ({
            code: e.code,
            stdout: e.stdout,
            stderr: e.stderr,
          }),
        );
        expect(await mkctl(...args), args.join(" ")).toEqual(theirs);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("runs a bare pod that reaches Running on the simulated node", async () => {
    expect(
      await ok("run", "once", "--image", "busybox:1", "--restart", "Never", "--command", "--", "sleep", "60"),
    ).toBe("pod/once created\n");
    const deadline = Date.now() + 30_000;
    let pod: Json;
    do {
      pod = JSON.parse(await ok("get", "pod", "once", "-o", "json"));
      if (pod.status?.phase === "Running") break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    expect(pod.status.phase).toBe("Running");
    expect(pod.metadata.labels).toEqual({ run: "once" });
    expect(pod.spec.nodeName).toBe("sim-1");
    expect(pod.spec.containers[0]).toMatchObject({
      name: "once",
      image: "busybox:1",
      command: ["sleep", "60"],
    });
    expect(pod.spec.restartPolicy).toBe("Never");
  });
});

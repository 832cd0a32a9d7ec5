import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
import { TestApiServer, writeKubeconfig } from "../support/apiserver.js";
import { pollFor as waitFor } from "../support/wait-for.js";

/**
 * The real kubectl's node maintenance against minik8s: cordon, uncordon, and drain, which reads
 * discovery for the eviction subresource and POSTs policy/v1 Evictions (as protobuf).
 */
const KUBECTL = "/usr/bin/kubectl";
const haveKubectl = existsSync(KUBECTL);
if (!haveKubectl) console.warn(`\n!!! SKIPPING the kubectl drain tests: ${KUBECTL} is not installed.\n`);

// biome-ignore lint/suspicious/noExplicitAny: replies are JSON read field by field
type Json = any;

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: app
        image: web:1
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web}
`;

let api: TestApiServer;
let home: string;
let env: NodeJS.ProcessEnv;
let client: Client;
let scheduler: RunningScheduler;
let manager: ControllerManager;
const kubelets: Kubelet[] = [];

function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, args, { env, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err ? (typeof err.code === "number" ? err.code : 1) : 0 });
    });
  });
}

async function readyPods(): Promise<Json[]> {
  const pods = (await api.request("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")).body
    .items;
  return pods.filter(
    (p: Json) =>
      !p.metadata.deletionTimestamp &&
      (p.status?.conditions ?? []).some((c: Json) => c.type === "Ready" && c.status === "True"),
  );
}

describe.skipIf(!haveKubectl)("the real kubectl cordons, uncordons and drains", () => {
  beforeAll(async () => {
    api = await TestApiServer.start();
    home = await mkdtemp(join(tmpdir(), "kubectl-drain-"));
    env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      KUBECONFIG: await writeKubeconfig(home, api.url),
    };
    client = new Client({ server: api.url });
    for (const n of [1, 2]) {
      const kubelet = new Kubelet({
        client,
        nodeName: `sim-${n}`,
        runtime: new SimRuntime({ podSubnet: `10.90.${n}` }),
        rootDir: join(home, `kubelet-${n}`),
        machine: simulatedMachine(`sim-${n}`, `192.0.2.${50 + n}`),
        relistPeriodMs: 50,
      });
      await kubelet.start();
      kubelets.push(kubelet);
    }
    scheduler = await startScheduler({ client, profiles: profilesFromConfig(defaultSchedulerConfig()) });
    manager = new ControllerManager({ client, workers: 2 });
    manager.start();
  });

  afterAll(async () => {
    await manager?.stop();
    await scheduler?.stop();
    await Promise.all(kubelets.map((k) => k.stop()));
    client?.close();
    await api?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it("cordon and uncordon print what kubectl prints and set spec.unschedulable", async () => {
    await waitFor("two nodes", async () => ((await readyNodes()) === 2 ? true : undefined));
    expect(await kubectl("cordon", "sim-2")).toEqual({
      stdout: "node/sim-2 cordoned\n",
      stderr: "",
      code: 0,
    });
    expect((await kubectl("cordon", "sim-2")).stdout).toBe("node/sim-2 already cordoned\n");
    expect((await api.request("GET", "/api/v1/nodes/sim-2")).body.spec.unschedulable).toBe(true);
    expect((await kubectl("get", "nodes")).stdout).toMatch(/sim-2\s+Ready,SchedulingDisabled/);
  });

  it("drain evicts through the budget and the pods come back on the other node", async () => {
    const path = join(home, "app.yaml");
    await writeFile(path, APP);
    const applied = await kubectl("apply", "-f", path);
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toBe("deployment.apps/web created\npoddisruptionbudget.policy/web created\n");
    await waitFor("2 ready pods on sim-1", async () => {
      const pods = await readyPods();
      return pods.length === 2 && pods.every((p) => p.spec.nodeName === "sim-1") ? true : undefined;
    });
    await waitFor("the budget to allow a disruption", async () => {
      const pdb = (await api.request("GET", "/apis/policy/v1/namespaces/default/poddisruptionbudgets/web"))
        .body;
      return pdb.status?.disruptionsAllowed === 1 ? true : undefined;
    });
    const pdbs = await kubectl("get", "pdb");
    expect(pdbs.stdout).toMatch(
      /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\nweb\s+1\s+N\/A\s+1\s+/,
    );
    expect((await kubectl("uncordon", "sim-2")).stdout).toBe("node/sim-2 uncordoned\n");

    const drained = await kubectl("drain", "sim-1", "--ignore-daemonsets", "--timeout", "60s");
    expect(drained.code, drained.stderr).toBe(0);
    const lines = drained.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("node/sim-1 cordoned");
    expect(lines.at(-1)).toBe("node/sim-1 drained");
    expect(lines.filter((l) => /^pod\/web-\S+ evicted$/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => /^evicting pod default\/web-\S+$/.test(l)).length).toBeGreaterThanOrEqual(2);
    await waitFor("2 ready pods on sim-2", async () => {
      const pods = await readyPods();
      return pods.length === 2 && pods.every((p) => p.spec.nodeName === "sim-2") ? true : undefined;
    });
    expect((await api.request("GET", "/api/v1/nodes/sim-1")).body.spec.unschedulable).toBe(true);
  }, 120_000);
});

async function readyNodes(): Promise<number> {
  return (await api.request("GET", "/api/v1/nodes")).body.items.length;
}

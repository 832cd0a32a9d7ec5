import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kindForApiVersion } from "@minik8s/api/registry";
import type { Pod } from "@minik8s/api/schemas/core";
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
import { pollFor as waitFor } from "../../../test/support/wait-for.js";
import { runMkctl } from "../src/program.js";
import { captureIo } from "./helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: objects read back as JSON
type Json = any;

const PODS = kindForApiVersion("v1", "Pod")!;
const NODES = kindForApiVersion("v1", "Node")!;
const PDBS = kindForApiVersion("policy/v1", "PodDisruptionBudget")!;

const machine = (n: number) => simulatedMachine(`sim-${n}`, `192.0.2.${30 + n}`);

let dir: string;
let kubeconfig: string;
let server: ApiServer;
let client: Client;
let scheduler: RunningScheduler;
let manager: ControllerManager;
const kubelets: Kubelet[] = [];

async function mkctl(...args: string[]) {
  const io = captureIo({ HOME: dir });
  const code = await runMkctl(["--kubeconfig", kubeconfig, ...args], io.deps);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const isReady = (p: Pod) =>
  !p.metadata.deletionTimestamp &&
  (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");

async function webPods(): Promise<Pod[]> {
  return (await client.list<Pod>(PODS, { namespace: "default", labelSelector: "app=web" })).items;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mkctl-drain-"));
  server = await startApiServer({ dataDir: join(dir, "data"), host: "127.0.0.1", port: 0, logger: false });
  client = new Client({ server: server.url });
  for (const n of [1, 2]) {
    const kubelet = new Kubelet({
      client,
      nodeName: `sim-${n}`,
      runtime: new SimRuntime({ podSubnet: `10.89.${n}` }),
      rootDir: join(dir, `kubelet-${n}`),
      machine: machine(n),
      relistPeriodMs: 50,
    });
    await kubelet.start();
    kubelets.push(kubelet);
  }
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
  await Promise.all(kubelets.map((k) => k.stop()));
  client?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("mkctl cordon, uncordon and drain", () => {
  it("cordons and uncordons as kubectl words it", async () => {
    await waitFor("two nodes", async () =>
      (await client.list(NODES)).items.length === 2 ? true : undefined,
    );
    expect(await mkctl("cordon", "sim-2")).toEqual({ code: 0, stdout: "node/sim-2 cordoned\n", stderr: "" });
    expect((await mkctl("cordon", "sim-2")).stdout).toBe("node/sim-2 already cordoned\n");
    const node: Json = await client.get(NODES, undefined, "sim-2");
    expect(node.spec.unschedulable).toBe(true);
    const table = await mkctl("get", "nodes");
    expect(table.stdout).toMatch(/sim-2\s+Ready,SchedulingDisabled/);
  });

  it("drains a node one disruption at a time, refusing bare pods until --force", async () => {
    // sim-2 is cordoned: everything lands on sim-1.
    await client.create({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "default" },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "app", image: "web:1" }], terminationGracePeriodSeconds: 1 },
        },
      },
    });
    await client.create({
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "web", namespace: "default" },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } },
    });
    await client.create({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "lonely", namespace: "default" },
      spec: {
        nodeName: "sim-1",
        containers: [{ name: "app", image: "web:1" }],
        terminationGracePeriodSeconds: 1,
      },
    });
    await waitFor("3 ready web pods on sim-1", async () => {
      const pods = (await webPods()).filter(isReady);
      return pods.length === 3 && pods.every((p) => p.spec.nodeName === "sim-1") ? pods : undefined;
    });
    await waitFor("the budget to allow one disruption", async () => {
      const pdb: Json = await client.get(PDBS, "default", "web");
      return pdb.status?.disruptionsAllowed === 1 && pdb.status.currentHealthy === 3 ? pdb : undefined;
    });
    expect((await mkctl("get", "pdb")).stdout).toMatch(
      /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\nweb\s+N\/A\s+1\s+1\s+/,
    );
    expect((await mkctl("uncordon", "sim-2")).stdout).toBe("node/sim-2 uncordoned\n");

    const refused = await mkctl("drain", "sim-1");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("node/sim-1 cordoned\n");
    expect(refused.stderr).toBe(
      'error: unable to drain node "sim-1" due to error:cannot delete Pods declare no controller (use --force to override): default/lonely, continuing command...\n' +
        "There are pending nodes to be drained:\n sim-1\ncannot delete Pods declare no controller (use --force to override): default/lonely\n",
    );
    expect((await webPods()).filter(isReady)).toHaveLength(3);

    // While the drain runs, the budget's 2 healthy pods must hold at every look.
    let fewestReady = 3;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        fewestReady = Math.min(fewestReady, (await webPods()).filter(isReady).length);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const drained = await mkctl("drain", "sim-1", "--force", "--timeout", "90s");
    watching = false;
    await watcher;

    expect(drained.code, drained.stderr).toBe(0);
    const lines = drained.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("node/sim-1 already cordoned");
    expect(lines.at(-1)).toBe("node/sim-1 drained");
    expect(lines.filter((l) => /^pod\/(web-.+|lonely) evicted$/.test(l))).toHaveLength(4);
    expect(lines).toContain("evicting pod default/lonely");
    expect(drained.stderr).toContain("Warning: deleting Pods that declare no controller: default/lonely\n");
    // Three at once against a budget of one: some had to wait their turn.
    expect(drained.stderr).toMatch(
      /error when evicting pods\/"web-[^"]+" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\.\n/,
    );
    expect(fewestReady).toBeGreaterThanOrEqual(2);

    const after = await waitFor("3 ready web pods on sim-2", async () => {
      const pods = (await webPods()).filter(isReady);
      return pods.length === 3 && pods.every((p) => p.spec.nodeName === "sim-2") ? pods : undefined;
    });
    expect(after).toHaveLength(3);
    const node: Json = await client.get(NODES, undefined, "sim-1");
    expect(node.spec.unschedulable).toBe(true);
    await expect(client.get(PODS, "default", "lonely")).rejects.toMatchObject({ code: 404 });
    // The controller forgets the evictions it saw happen and gives the budget back.
    const pdb = await waitFor("the budget to settle", async () => {
      const p: Json = await client.get(PDBS, "default", "web");
      return p.status?.disruptionsAllowed === 1 && p.status.disruptedPods === undefined ? p : undefined;
    });
    expect(pdb.status).toMatchObject({ currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 });
    expect(pdb.status.conditions).toEqual([
      expect.objectContaining({ type: "DisruptionAllowed", status: "True", reason: "SufficientPods" }),
    ]);
  }, 120_000);
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kindForApiVersion } from "@minik8s/api/registry";
import type { Deployment, ReplicaSet } from "@minik8s/api/schemas/apps";
import type { Pod } from "@minik8s/api/schemas/core";
import { Client } from "@minik8s/client";
import { Kubelet, SimRuntime, simulatedMachine } from "@minik8s/kubelet";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, Minik8sProcess, minik8sBuilt } from "../support/minik8s-process.js";
import { recordRecovery } from "../support/recovery.js";

/**
 * A 200-pod rollout while the scheduler and the controller-manager processes (and once the
 * apiserver) are killed with SIGKILL at random moments and started again: level-triggered controllers pick up from what
 * the API says, so the rollout ends with exactly the declared pods, all of the new template.
 * The apiserver is a process too; the nodes are simulated kubelets in this process.
 */
const PODS = kindForApiVersion("v1", "Pod")!;
const DEPLOYMENTS = kindForApiVersion("apps/v1", "Deployment")!;
const REPLICASETS = kindForApiVersion("apps/v1", "ReplicaSet")!;
const NAMESPACES = kindForApiVersion("v1", "Namespace")!;
const REPLICAS = 200;
const NODES = 4;

if (!minik8sBuilt && !process.env.CI) {
  console.warn(
    "\n!!! SKIPPING the control-plane restart test: build minik8s first (npx tsc -b packages/minik8s).\n",
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(minik8sBuilt || process.env.CI)("control-plane processes killed during a rollout", () => {
  let dir: string;
  const processes = new Map<string, Minik8sProcess>();
  const kubelets: Kubelet[] = [];
  let client: Client | undefined;

  afterAll(async () => {
    await Promise.all(kubelets.map((k) => k.stop()));
    client?.close();
    await Promise.all([...processes.values()].map((p) => p.kill()));
    if (dir && !process.env.MINIK8S_KEEP_LOGS) await rm(dir, { recursive: true, force: true });
  });

  it("completes with exactly the declared pods", async () => {
    dir = await mkdtemp(join(tmpdir(), "minik8s-restart-cp-"));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const commands: Record<string, string[]> = {
      apiserver: [
        "apiserver",
        "--data-dir",
        join(dir, "data"),
        "--listen",
        `127.0.0.1:${port}`,
        "--log-level",
        "warn",
      ],
      scheduler: ["scheduler", "--server", url, "--log-level", "warn"],
      // Only the loops a rollout needs: the node lifecycle controller would judge the simulated
      // nodes by their heartbeats, which this busy test process may delay.
      "controller-manager": [
        "controller-manager",
        "--server",
        url,
        "--controllers",
        "replicaset,deployment,garbagecollector",
        "--log-level",
        "warn",
      ],
    };
    const start = (name: string) =>
      processes.set(name, new Minik8sProcess(commands[name]!, join(dir, `${name}.log`)));
    start("apiserver");
    client = new Client({ server: url });
    const api = client;
    await waitUntil(
      "the apiserver",
      30_000,
      async () => (await api.get(NAMESPACES, undefined, "default")) && true,
    );
    for (let n = 1; n <= NODES; n++) {
      const kubelet = new Kubelet({
        client: api,
        nodeName: `sim-${n}`,
        runtime: new SimRuntime({ podSubnet: `10.91.${n}` }),
        rootDir: join(dir, `kubelet-${n}`),
        machine: simulatedMachine(`sim-${n}`, `192.0.2.${70 + n}`, {
          cpuCores: 64,
          memoryBytes: 256 * 1024 ** 3,
        }),
      });
      await kubelet.start();
      kubelets.push(kubelet);
    }
    start("scheduler");
    start("controller-manager");

    const template = (image: string) => ({
      metadata: { labels: { app: "big" } },
      spec: { containers: [{ name: "app", image }], terminationGracePeriodSeconds: 0 },
    });
    await api.create<Deployment>({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "big", namespace: "default" },
      spec: {
        replicas: REPLICAS,
        // Each wave of the rollout waits for its pods to stay ready 2 s, so the rollout lasts
        // several seconds however fast this machine is, and the kills land in the middle of it.
        minReadySeconds: 2,
        selector: { matchLabels: { app: "big" } },
        template: template("big:1"),
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      },
    });
    await waitUntil("the first version rolled out", 240_000, async () =>
      (await rolledOut(api)) ? true : undefined,
    );

    // The rollout under test: a new image, and crashes while it is under way.
    await api.patch(DEPLOYMENTS, "default", "big", "application/merge-patch+json", {
      spec: { template: { spec: { containers: [{ name: "app", image: "big:2" }] } } },
    });
    const recovery: Record<string, number[]> = { scheduler: [], "controller-manager": [], apiserver: [] };
    // The apiserver once in the middle: every component (and the kubelets) must reconnect.
    const victims = ["scheduler", "controller-manager", "apiserver", "scheduler", "controller-manager"];
    let killsDuringRollout = 0;
    for (const [i, victim] of victims.entries()) {
      await sleep(i === 0 ? Math.random() * 300 : 200 + Math.random() * 1500);
      if (await rolledOut(api)) break;
      const lastSeen = await progress(api);
      await processes.get(victim)!.kill("SIGKILL");
      killsDuringRollout++;
      // Requests the killed process had already sent may still land: let them, then look.
      // With the apiserver down there is nothing to read: what was seen just before will do.
      if (victim !== "apiserver") await sleep(500);
      const before = victim === "apiserver" ? lastSeen : await progress(api);
      const restartedAt = Date.now();
      start(victim);
      // Back when the rollout moves again: a pod bound (scheduler) or the ReplicaSets' state
      // changes (controller-manager) after the restart.
      const movedAt = await waitUntil(`the rollout to move after ${victim} restarted`, 120_000, async () => {
        const now = await progress(api);
        const moved =
          victim === "scheduler"
            ? now.bound > before.bound
            : victim === "controller-manager"
              ? now.rsVersion !== before.rsVersion
              : now.bound > before.bound || now.rsVersion !== before.rsVersion;
        return moved || now.done ? Date.now() : undefined;
      });
      recovery[victim]!.push(movedAt - restartedAt);
    }
    const final = await waitUntil("the rollout to finish", 300_000, async () => rolledOut(api));

    // Exactly the declared pods, all of the new template, all bound and ready, none left over.
    await sleep(2000);
    const pods = (await api.list<Pod>(PODS, { namespace: "default", labelSelector: "app=big" })).items;
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    expect(live).toHaveLength(REPLICAS);
    const newHash = final.newRs.metadata.labels?.["pod-template-hash"];
    expect(live.every((p) => p.metadata.labels?.["pod-template-hash"] === newHash)).toBe(true);
    expect(live.every((p) => p.spec.containers[0]?.image === "big:2" && p.spec.nodeName)).toBe(true);
    expect(final.deployment.status).toMatchObject({
      replicas: REPLICAS,
      updatedReplicas: REPLICAS,
      readyReplicas: REPLICAS,
      availableReplicas: REPLICAS,
    });
    expect(killsDuringRollout).toBeGreaterThan(0);
    for (const [victim, runs] of Object.entries(recovery)) {
      if (runs.length > 0)
        recordRecovery(`${victim} SIGKILL mid-rollout: restart to the rollout moving`, runs);
    }
    console.log(JSON.stringify({ replicas: REPLICAS, killsDuringRollout, recovery }));
  }, 600_000);
});

interface Rolled {
  deployment: Deployment;
  newRs: ReplicaSet;
}

/** The Deployment when its rollout is complete as `kubectl rollout status` judges it. */
async function rolledOut(api: Client): Promise<Rolled | undefined> {
  const d = await api.get<Deployment>(DEPLOYMENTS, "default", "big");
  const s = d.status ?? {};
  const done =
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) &&
    s.updatedReplicas === REPLICAS &&
    s.replicas === REPLICAS &&
    s.availableReplicas === REPLICAS;
  if (!done) return undefined;
  const sets = (await api.list<ReplicaSet>(REPLICASETS, { namespace: "default" })).items;
  const image = d.spec.template.spec.containers[0]?.image;
  const newRs = sets.find((rs) => rs.spec.template?.spec?.containers[0]?.image === image);
  if (!newRs || sets.some((rs) => rs !== newRs && (rs.status?.replicas ?? 0) > 0)) return undefined;
  return { deployment: d, newRs };
}

async function progress(api: Client): Promise<{ bound: number; rsVersion: string; done: boolean }> {
  const pods = (await api.list<Pod>(PODS, { namespace: "default", labelSelector: "app=big" })).items;
  const sets = (await api.list<ReplicaSet>(REPLICASETS, { namespace: "default" })).items;
  return {
    bound: pods.filter((p) => p.spec.nodeName && p.spec.containers[0]?.image === "big:2").length,
    rsVersion: sets.map((rs) => rs.metadata.resourceVersion).join(","),
    done: (await rolledOut(api)) !== undefined,
  };
}

async function waitUntil<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await sleep(100);
  }
}

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestApiServer } from "../support/apiserver.js";
import { describeWithDocker, dockerCli } from "../support/docker.js";
import { Minik8sProcess, minik8sBuilt } from "../support/minik8s-process.js";
import { recordRecovery } from "../support/recovery.js";

/**
 * The kubelet process killed with SIGKILL and started again, on real Docker: it adopts the
 * containers that kept running (their labels say whose they are) instead of starting duplicates,
 * and no pod is restarted for nothing.
 */
// biome-ignore lint/suspicious/noExplicitAny: objects read field by field from the API
type Json = any;

const ROUNDS = 3;
const POD_UID_LABEL = "io.kubernetes.pod.uid";
const NODE_LABEL = "minik8s.io/node";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!minik8sBuilt && !process.env.CI) {
  console.warn(
    "\n!!! SKIPPING the kubelet restart test: build minik8s first (npx tsc -b packages/minik8s).\n",
  );
}

const suite = minik8sBuilt || process.env.CI ? describeWithDocker : describe.skip;

suite("the kubelet killed with -9 and restarted", () => {
  const node = `f2-restart-${process.pid}`;
  let api: TestApiServer;
  let dir: string;
  let kubelet: Minik8sProcess | undefined;
  const startKubelet = () =>
    new Minik8sProcess(
      [
        "kubelet",
        "--server",
        api.url,
        "--node-name",
        node,
        "--runtime",
        "docker",
        "--root-dir",
        join(dir, "kubelet"),
        "--gpus",
        "none",
        "--log-level",
        "info",
      ],
      join(dir, "kubelet.log"),
    );

  beforeAll(async () => {
    api = await TestApiServer.start();
    dir = await mkdtemp(join(tmpdir(), "minik8s-restart-kubelet-"));
  });

  afterAll(async () => {
    await kubelet?.kill();
    const left = (await dockerCli(["ps", "-aq", "--filter", `label=${NODE_LABEL}=${node}`])).trim();
    if (left) await dockerCli(["rm", "-f", ...left.split("\n")]);
    await api?.close();
    if (dir && !process.env.MINIK8S_KEEP_LOGS) await rm(dir, { recursive: true, force: true });
  });

  /** This node's containers as Docker lists them: id, pod uid, running or not. */
  async function containers(): Promise<string[]> {
    const out = await dockerCli([
      "ps",
      "-a",
      "--filter",
      `label=${NODE_LABEL}=${node}`,
      "--format",
      `{{.ID}} {{.Label "${POD_UID_LABEL}"}} {{.State}}`,
    ]);
    return out.trim().split("\n").filter(Boolean).sort();
  }

  /** What a needless restart would change: container ids, restart counts, start times. */
  async function podStates(): Promise<Json[]> {
    const pods = (await api.request("GET", "/api/v1/namespaces/default/pods")).body.items;
    return pods
      .map((p: Json) => ({
        name: p.metadata.name,
        phase: p.status?.phase,
        containers: (p.status?.containerStatuses ?? []).map((c: Json) => ({
          id: c.containerID,
          restartCount: c.restartCount,
          startedAt: c.state?.running?.startedAt,
        })),
      }))
      .sort((a: Json, b: Json) => a.name.localeCompare(b.name));
  }

  async function leaseRenewedAfter(t: number): Promise<boolean> {
    const lease = await api.request(
      "GET",
      `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}`,
    );
    const renew = lease.body?.spec?.renewTime;
    return typeof renew === "string" && Date.parse(renew) >= t;
  }

  it("adopts its running containers: no duplicate, no restart", async () => {
    kubelet = startKubelet();
    await waitUntil(
      "the node to register",
      60_000,
      async () => (await api.request("GET", `/api/v1/nodes/${node}`)).status === 200,
    );
    for (const name of ["steady-a", "steady-b"]) {
      const created = await api.request("POST", "/api/v1/namespaces/default/pods", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name },
        spec: {
          nodeName: node,
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: "app",
              image: "minik8s/busybox:1",
              imagePullPolicy: "IfNotPresent",
              command: ["sleep", "3600"],
            },
          ],
        },
      });
      expect(created.status).toBe(201);
    }
    const before = await waitUntil("both pods Running", 120_000, async () => {
      const states = await podStates();
      return states.length === 2 && states.every((p) => p.phase === "Running" && p.containers[0]?.startedAt);
    }).then(podStates);
    const containersBefore = await containers();
    // A sandbox and an app container per pod, all running.
    expect(containersBefore).toHaveLength(4);

    const recovery: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await kubelet.kill("SIGKILL");
      const restartedAt = Date.now();
      kubelet = startKubelet();
      const back = await waitUntil("the restarted kubelet's heartbeat", 120_000, async () =>
        (await leaseRenewedAfter(restartedAt)) ? Date.now() : undefined,
      );
      recovery.push(back - restartedAt);
      // Let it sync its pods a few times before looking.
      await sleep(3000);
      expect(await containers()).toEqual(containersBefore);
      expect(await podStates()).toEqual(before);
    }

    // The restarted kubelet is in charge: deleting a pod stops and removes its containers.
    await api.request("DELETE", "/api/v1/namespaces/default/pods/steady-b");
    await waitUntil("steady-b's containers to go", 60_000, async () =>
      (await containers()).length === 2 ? true : undefined,
    );
    recordRecovery("kubelet SIGKILL: restart to first node heartbeat (Docker, 2 pods)", recovery);
  }, 300_000);
});

async function waitUntil<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await sleep(100);
  }
}

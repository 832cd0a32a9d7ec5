/**
 * `npm run bench:podstartup`: pod startup on one node with real Docker, measured as Kubernetes'
 * density test does. An apiserver, the scheduler and a kubelet (DockerRuntime, Docker's default
 * bridge) run in this process, as test/e2e/cluster.test.ts wires them; pods run the local image
 * minik8s/busybox:1 (present: pulls are excluded, as the SLO excludes them).
 *
 * Phase 1, burst (the density test's saturation pods): BENCH_PODS pods created at once; the
 * figure is throughput (pods/s) and when all were Ready. Beside it, the same machine's raw
 * Docker throughput for the same work, a pause container plus an app container joined to it per
 * pod, BENCH_BASELINE of them in parallel through the Engine API: the ratio says how much of
 * Docker's speed the kubelet keeps. A burst is bounded by Docker, not by the kubelet.
 *
 * Phase 2, latency (the density test's latency pods): with the burst's pods still running,
 * BENCH_LATENCY_PODS more are created one at a time, the next once the previous is Ready; a
 * pod's latency runs from just before its create is sent to the moment a watch shows its Ready
 * condition True. Kubernetes' SLO: p99 ≤ 5 s; minik8s' goal: p99 < 2 s. During this phase every
 * runtime call is timed, and the mean per call printed, to show where a pod's time goes.
 *
 * At the end the pods are deleted and every container the node or the baseline made is removed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "@minik8s/api";
import { startApiServer } from "@minik8s/apiserver";
import { Client, Informer } from "@minik8s/client";
import { type ContainerRuntime, DockerRuntime, Kubelet, LABELS, PODS } from "@minik8s/kubelet";
import { defaultSchedulerConfig, profilesFromConfig, startScheduler } from "@minik8s/scheduler";
import Docker from "dockerode";
import { dockerCli } from "../test/support/docker.js";
import { percentile, report } from "./lib/report.js";

const BURST_N = Number(process.env.BENCH_PODS ?? 50);
const LATENCY_N = Number(process.env.BENCH_LATENCY_PODS ?? 50);
const BASELINE_N = Number(process.env.BENCH_BASELINE ?? 20);
const RELIST_MS = Number(process.env.BENCH_RELIST_MS ?? 1_000);
const NODE = `bench-podstartup-${process.pid}`;
const BASELINE_LABEL = `minik8s.bench.podstartup=${process.pid}`;
const NAMESPACE = "default";
const SLO_MS = 5_000;
const GOAL_MS = 2_000;
const BURST_TIMEOUT_MS = 180_000;
const POD_TIMEOUT_MS = 30_000;
const APP_IMAGE = "minik8s/busybox:1";
const PAUSE_IMAGE = "minik8s/pause:1";

function pod(name: string): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: NAMESPACE, labels: { bench: "podstartup" } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [{ name: "app", image: APP_IMAGE, command: ["sleep", "3600"] }],
    },
  };
}

const isReady = (p: Pod) =>
  p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

/** Times every call of the runtime while `on`: where a pod's time goes. */
class TimedRuntime {
  readonly calls = new Map<string, { n: number; ms: number }>();
  on = false;
  readonly runtime: ContainerRuntime;

  constructor(inner: ContainerRuntime) {
    this.runtime = new Proxy(inner, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const result = value.apply(target, args);
          if (!this.on || !(result instanceof Promise)) return result;
          const t0 = performance.now();
          return result.finally(() => {
            const c = this.calls.get(String(prop)) ?? { n: 0, ms: 0 };
            c.n++;
            c.ms += performance.now() - t0;
            this.calls.set(String(prop), c);
          });
        };
      },
    });
  }
}

/** Raw Docker: `n` pods' worth of containers (pause + app joined to it), all in parallel. */
async function dockerBaseline(n: number): Promise<number> {
  const docker = new Docker();
  const [key, value] = BASELINE_LABEL.split("=") as [string, string];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const pause = await docker.createContainer({
        name: `bench-baseline-${process.pid}-${i}-pause`,
        Image: PAUSE_IMAGE,
        Labels: { [key]: value },
        HostConfig: { NetworkMode: "bridge", IpcMode: "shareable" },
      });
      await pause.start();
      const app = await docker.createContainer({
        name: `bench-baseline-${process.pid}-${i}-app`,
        Image: APP_IMAGE,
        Entrypoint: ["sleep", "3600"],
        Labels: { [key]: value },
        HostConfig: { NetworkMode: `container:${pause.id}`, IpcMode: `container:${pause.id}` },
      });
      await app.start();
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await removeBaseline();
  return seconds;
}

async function removeBaseline(): Promise<void> {
  const left = (await dockerCli(["ps", "-aq", "--filter", `label=${BASELINE_LABEL}`])).trim();
  if (left) await dockerCli(["rm", "-f", "-v", ...left.split("\n")]);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-podstartup-"));
  const apiserver = await startApiServer({ dataDir: join(dir, "store"), port: 0, logger: false });
  const client = new Client({ server: apiserver.url });
  const scheduler = await startScheduler({ client, profiles: profilesFromConfig(defaultSchedulerConfig()) });
  const timed = new TimedRuntime(new DockerRuntime());
  const kubelet = new Kubelet({
    client,
    nodeName: NODE,
    runtime: timed.runtime,
    rootDir: dir,
    relistPeriodMs: RELIST_MS,
  });
  const watch = new Informer<Pod>(client, {
    resource: PODS,
    namespace: NAMESPACE,
    labelSelector: "bench=podstartup",
  });
  const readyAt = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const seen = (p: Pod) => {
    const name = p.metadata.name ?? "";
    if (!readyAt.has(name) && isReady(p)) {
      readyAt.set(name, performance.now());
      waiters.get(name)?.();
    }
  };
  const readyWithin = (name: string, ms: number) =>
    new Promise<boolean>((resolve) => {
      if (readyAt.has(name)) return resolve(true);
      const timer = setTimeout(() => resolve(false), ms);
      waiters.set(name, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  watch.addEventHandler({ onAdd: seen, onUpdate: (_o, p) => seen(p) });
  try {
    await kubelet.start();
    watch.start();
    await watch.waitForSync();
    const verdict = (ms: number, limit: number) => (ms <= limit ? "met" : "missed");
    const secs = (ms: number) => (ms / 1000).toFixed(1);

    // Phase 1: the burst, and raw Docker doing the same work.
    const load = loadavg()[0]!.toFixed(1);
    console.log(
      `burst: ${BURST_N} pods at once on one node (PLEG relist every ${RELIST_MS} ms), load ${load}`,
    );
    const burstNames = Array.from({ length: BURST_N }, (_, i) => `burst-${i}`);
    const burstStart = performance.now();
    const allBurstReady = Promise.all(burstNames.map((n) => readyWithin(n, BURST_TIMEOUT_MS)));
    await Promise.all(burstNames.map((n) => client.create(pod(n))));
    const ready = (await allBurstReady).filter(Boolean).length;
    if (ready < BURST_N) throw new Error(`only ${ready}/${BURST_N} burst pods Ready`);
    const burstMs = Math.max(...burstNames.map((n) => readyAt.get(n)!)) - burstStart;
    const kubeletRate = BURST_N / (burstMs / 1000);
    console.log(`  all ${BURST_N} Ready in ${secs(burstMs)} s: ${kubeletRate.toFixed(2)} pods/s`);
    const baselineS = await dockerBaseline(BASELINE_N);
    const dockerRate = BASELINE_N / baselineS;
    const ratio = kubeletRate / dockerRate;
    console.log(
      `  raw Docker, ${BASELINE_N} × (pause + app) in parallel: ${baselineS.toFixed(1)} s, ${dockerRate.toFixed(2)} pods/s; kubelet / Docker = ${ratio.toFixed(2)}`,
    );

    // Phase 2: latency pods, one at a time, on the loaded node.
    const loadLatency = loadavg()[0]!.toFixed(1);
    console.log(
      `latency: ${LATENCY_N} pods one at a time beside the ${BURST_N} running, load ${loadLatency}`,
    );
    timed.on = true;
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_N; i++) {
      const name = `latency-${i}`;
      const sent = performance.now();
      const isReadyNow = readyWithin(name, POD_TIMEOUT_MS);
      await client.create(pod(name));
      if (!(await isReadyNow)) throw new Error(`pod ${name} not Ready within ${POD_TIMEOUT_MS / 1000} s`);
      latencies.push(readyAt.get(name)! - sent);
    }
    timed.on = false;
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const max = latencies.at(-1)!;
    console.log(
      `  create → Ready: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${max.toFixed(0)} ms`,
    );
    console.log(
      `  Kubernetes SLO (p99 ≤ 5 s): ${verdict(p99, SLO_MS)}; goal (p99 < 2 s): ${verdict(p99, GOAL_MS - 1)}`,
    );
    const perPod = [...timed.calls]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([op, c]) => `${op} ${(c.n / LATENCY_N).toFixed(1)}×${(c.ms / c.n).toFixed(0)} ms`);
    console.log(`  runtime calls per latency pod (count × mean): ${perPod.join(", ")}`);

    const markdown = `
## pod startup (\`npm run bench:podstartup\`)

Pod startup on one node with real Docker (Docker's default bridge), measured as Kubernetes'
density test does: apiserver, scheduler and kubelet in one process, pods of \`minik8s/busybox:1\`
(present locally, so no pulls), the kubelet relisting Docker every ${RELIST_MS} ms.

**Burst** (the density test's saturation pods): ${BURST_N} pods created at once. This is
throughput, bounded by Docker: every pod is two containers (a pause sandbox and the app), and
the same run times raw Docker doing the same work (${BASELINE_N} × pause + app container joined
to it, all in parallel through the Engine API, no kubelet). Load average (1 min) at the start: ${load}.

**Latency** (the density test's latency pods, which the SLO is about): with the ${BURST_N} burst pods
still running, ${LATENCY_N} more created one at a time, each after the previous is Ready; a pod's
latency runs from its create being sent to its Ready condition seen True through a watch.
Load average at the start: ${loadLatency}.

| figure | result | goal |
| --- | --- | --- |
| burst: all ${BURST_N} Ready after | ${secs(burstMs)} s | |
| burst: kubelet throughput | ${kubeletRate.toFixed(2)} pods/s | |
| raw Docker throughput (pause + app) | ${dockerRate.toFixed(2)} pods/s | |
| kubelet / Docker | ${ratio.toFixed(2)} | |
| latency p50 | ${p50.toFixed(0)} ms | |
| latency p99 | ${p99.toFixed(0)} ms | < 2,000 ms (Kubernetes' SLO: ≤ 5,000 ms) |
| latency max | ${max.toFixed(0)} ms | |
| latency pod's runtime calls (count per pod × mean) | ${perPod.join(", ")} | |

Most of a latency pod's time is Docker's: \`runSandbox\` is creating and starting the pause
container (its network namespace and veth on the bridge), \`startContainer\` the app's start;
\`list\` counts the PLEG's relists of the whole node as well as the pod's own syncs.
`;
    report("podstartup", markdown, {
      burstPods: BURST_N,
      latencyPods: LATENCY_N,
      baselinePods: BASELINE_N,
      relistPeriodMs: RELIST_MS,
      loadAverageBurst: Number(load),
      loadAverageLatency: Number(loadLatency),
      burstSeconds: Number((burstMs / 1000).toFixed(2)),
      burstPodsPerSecond: Number(kubeletRate.toFixed(2)),
      dockerPodsPerSecond: Number(dockerRate.toFixed(2)),
      kubeletToDockerRatio: Number(ratio.toFixed(2)),
      p50Ms: Math.round(p50),
      p99Ms: Math.round(p99),
      maxMs: Math.round(max),
      runtimeCallsMeanMs: Object.fromEntries([...timed.calls].map(([op, c]) => [op, Math.round(c.ms / c.n)])),
      sloMet: p99 <= SLO_MS,
      goalMet: p99 < GOAL_MS,
    });
  } finally {
    await cleanUp(client, kubelet);
    await removeBaseline().catch(() => {});
    await watch.stop();
    await scheduler.stop();
    client.close();
    await apiserver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Deletes the pods through the API (the kubelet removes their containers), then anything left. */
async function cleanUp(client: Client, kubelet: Kubelet): Promise<void> {
  try {
    await client.deleteCollection(PODS, { namespace: NAMESPACE, labelSelector: "bench=podstartup" });
    const deadline = Date.now() + 90_000;
    while (
      Date.now() < deadline &&
      (await client.list<Pod>(PODS, { namespace: NAMESPACE })).items.length > 0
    ) {
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    console.error(`deleting the pods failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  await kubelet.stop();
  const left = (await dockerCli(["ps", "-aq", "--filter", `label=${LABELS.node}=${NODE}`])).trim();
  if (left) await dockerCli(["rm", "-f", "-v", ...left.split("\n")]);
}

await main();

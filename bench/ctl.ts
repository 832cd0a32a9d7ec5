/**
 * `npm run bench:ctl`: wall time of `mkctl get pods` beside `kubectl get pods` on the same
 * apiserver holding 100 pods, as whole processes, alternating so both see the same machine.
 * Needs `npm run build` first; kubectl must be installed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ApiServerProcess } from "./lib/apiserver-process.js";
import { nodeStartMs } from "./lib/machine-speed.js";
import { median, report } from "./lib/report.js";

const PODS = 100;
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const PORT = Number(process.env.BENCH_PORT ?? 16_510);
const MKCTL = fileURLToPath(new URL("../packages/ctl/bin/mkctl.js", import.meta.url));
const SERVER = `http://127.0.0.1:${PORT}`;

async function createPods(api: ApiServerProcess): Promise<void> {
  await Promise.all(
    Array.from({ length: PODS }, async (_, i) => {
      const res = await api.request("POST", "/api/v1/namespaces/default/pods", {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `bench-${i}`, labels: { app: "bench" } },
        spec: { containers: [{ name: "app", image: "minik8s/busybox:1", command: ["sleep", "3600"] }] },
      });
      if (res.status !== 201) throw new Error(`creating pod ${i}: HTTP ${res.status} ${res.text}`);
    }),
  );
}

function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const result = spawnSync(command, args, { env, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
  const rows = result.stdout.trim().split("\n").length - 1;
  if (rows !== PODS) throw new Error(`${command} printed ${rows} pods, want ${PODS}`);
  return ms;
}

/** mkctl with nothing cached: a home of its own, as on the first command after the kubeconfig changed. */
function timeUncached(parent: string, env: NodeJS.ProcessEnv): number {
  const home = mkdtempSync(join(parent, "home-"));
  try {
    return timeCommand(process.execPath, [MKCTL, "get", "pods"], { ...env, HOME: home });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
  } catch {
    throw new Error("kubectl is not installed: this benchmark compares mkctl with it");
  }
  const dir = mkdtempSync(join(tmpdir(), "minik8s-bench-ctl-"));
  const home = join(dir, "home");
  mkdirSync(home);
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n    server: ${SERVER}\nusers:\n- name: bench\n  user: {}\ncontexts:\n- name: bench\n  context: {cluster: bench, user: bench, namespace: default}\ncurrent-context: bench\n`,
  );
  const api = await ApiServerProcess.start({ port: PORT, dataDir: join(dir, "data"), maxSockets: 16 });
  try {
    await createPods(api);
    const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfig };
    // One untimed run each fills kubectl's discovery cache and mkctl's kubeconfig cache (both
    // under ~/.kube/cache), and warms the file system cache.
    timeCommand("kubectl", ["get", "pods"], env);
    timeCommand(process.execPath, [MKCTL, "get", "pods"], env);
    const mkctl: number[] = [];
    const kubectl: number[] = [];
    const uncached: number[] = [];
    const bareNode: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      mkctl.push(timeCommand(process.execPath, [MKCTL, "get", "pods"], env));
      kubectl.push(timeCommand("kubectl", ["get", "pods"], env));
      uncached.push(timeUncached(dir, env));
      bareNode.push(nodeStartMs(1));
    }
    const m = median(mkctl);
    const k = median(kubectl);
    const u = median(uncached);
    const n = median(bareNode);
    const ratio = m / k;
    console.log(`mkctl get pods (${PODS} pods): median ${m.toFixed(0)} ms over ${RUNS} runs`);
    console.log(`kubectl get pods (${PODS} pods): median ${k.toFixed(0)} ms over ${RUNS} runs`);
    console.log(`mkctl get pods, nothing cached: median ${u.toFixed(0)} ms`);
    console.log(`node -e 0 (Node's own start and exit): median ${n.toFixed(0)} ms`);
    console.log(`ratio mkctl/kubectl: ${ratio.toFixed(2)}`);
    const markdown = `
## mkctl beside kubectl (\`npm run bench:ctl\`)

Whole processes, alternating, against one apiserver holding ${PODS} pods; medians of ${RUNS} runs. Both
commands run once untimed first, which fills kubectl's discovery cache and mkctl's kubeconfig
cache (each under \`~/.kube/cache\`); the uncached row is mkctl with an empty home each time, as
on the first command after the kubeconfig changed.

| command | median | goal |
| --- | --- | --- |
| \`mkctl get pods\` | ${m.toFixed(0)} ms | |
| \`kubectl get pods\` | ${k.toFixed(0)} ms | |
| ratio mkctl / kubectl | ${ratio.toFixed(2)} | ≤ 1.5 |
| \`mkctl get pods\`, nothing cached | ${u.toFixed(0)} ms | |
| \`node -e 0\` (Node's own start and exit) | ${n.toFixed(0)} ms | |
${
  process.env.NODE_EXTRA_CA_CERTS
    ? `
This run had \`NODE_EXTRA_CA_CERTS\` set, as this machine sets it for every process: Node 20 then
reads and parses that certificate bundle while it starts, before any of mkctl runs, and every
figure above that starts Node includes it.
`
    : ""
}`;
    report("ctl", markdown, {
      pods: PODS,
      runs: RUNS,
      mkctlMedianMs: Math.round(m),
      kubectlMedianMs: Math.round(k),
      ratio: Number(ratio.toFixed(3)),
      mkctlUncachedMedianMs: Math.round(u),
      nodeStartMedianMs: Math.round(n),
    });
  } finally {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

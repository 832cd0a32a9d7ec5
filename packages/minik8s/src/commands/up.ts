import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { devicesFor, parseGpuMode } from "@minik8s/kubelet";
import type { Command } from "commander";
import { pino } from "pino";
import { applyManifests, firstAnswer, waitForDeployments } from "../apply-manifests.js";
import { startControlPlane, writeAdminKubeconfig } from "../control-plane.js";
import { startEventLog } from "../event-log.js";
import { parseProxyMode, parseRuntime, startNodeAgent } from "../node-agent.js";
import { progressToStdout as progress } from "../progress.js";
import { stopOnSignals } from "../signals.js";

interface UpOptions {
  dataDir: string;
  port: string;
  runtime: string;
  gpus: string;
  nodeName: string;
  proxyMode?: string;
  apply?: string;
  logLevel: string;
}

/** How long `up --apply` waits for the applied Deployments to be available. */
const APPLY_READY_TIMEOUT_MS = 180_000;

/**
 * `minik8s up`: the whole cluster on this machine in one process — the control plane
 * (`minik8s server`) and this node's agent (`minik8s agent`: kubelet and proxy) — with a
 * kubeconfig that mkctl and kubectl both read. The components still talk to each other only
 * through the apiserver, exactly as when they run apart. Ctrl-C stops them and keeps the data and
 * the containers: the next `up` picks up where this one left off and adopts them.
 */
export function registerUp(program: Command): void {
  program
    .command("up")
    .description("run a cluster on this machine and write a kubeconfig for mkctl and kubectl")
    .option("--data-dir <dir>", "where the cluster keeps its state", ".minik8s")
    .option("--port <port>", "the apiserver's port on 127.0.0.1", "6443")
    .option("--runtime <runtime>", "docker, or sim to run pods in memory without containers", "docker")
    .option("--gpus <gpus>", "auto (nvidia-smi), N simulated GPUs, or none", "auto")
    .option("--node-name <name>", "the name this machine's node registers under", hostname())
    .option("--proxy-mode <mode>", "iptables or userspace (default: iptables where it works)")
    .option("--apply <path>", "then apply these manifests (a file or folder) and wait for them")
    .option("--log-level <level>", "trace, debug, info, warn or error", "warn")
    .action(async (opts: UpOptions) => {
      const runtime = parseRuntime(opts.runtime);
      const proxyMode = parseProxyMode(opts.proxyMode);
      const dataDir = resolve(opts.dataDir);
      mkdirSync(dataDir, { recursive: true });
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port <= 0 || port > 65535)
        throw new Error(`--port: want 1-65535, got ${opts.port}`);
      const gpuMode = parseGpuMode(opts.gpus);
      if (typeof gpuMode === "string") throw new Error(`--gpus: ${gpuMode}`);
      const log = pino({ level: opts.logLevel }, pino.destination(2));

      const plane = await startControlPlane({ dataDir, host: "127.0.0.1", port, logger: log, progress });
      let agent: Awaited<ReturnType<typeof startNodeAgent>> | undefined;
      let stopEventLog: (() => Promise<void>) | undefined;
      stopOnSignals(async () => {
        await stopEventLog?.();
        await agent?.stop();
        await plane.stop();
      });
      agent = await startNodeAgent({
        client: plane.client,
        nodeName: opts.nodeName,
        runtime,
        rootDir: resolve(dataDir, "kubelet"),
        gpus: await devicesFor(gpuMode),
        // Logs and exec: any free port; the Node's daemonEndpoints tells the apiserver which.
        kubeletPort: 0,
        proxyMode,
        logger: log,
        progress,
      });

      const kubeconfig = resolve(dataDir, "kubeconfig");
      await writeAdminKubeconfig(kubeconfig, plane.server.url);
      progress("kubeconfig", kubeconfig);

      let urls: string[] = [];
      if (opts.apply) {
        const nodePorts = await applyManifests(plane.client, resolve(opts.apply), progress);
        const ready = await waitForDeployments(plane.client, "default", APPLY_READY_TIMEOUT_MS, progress);
        if (!ready) progress("available", "not yet: see `mkctl get pods` and `mkctl describe pod`");
        // Simulated pods serve nothing: there is no URL to give.
        urls = runtime === "docker" ? nodePorts.map((p) => `http://127.0.0.1:${p}/`) : [];
        for (const url of urls) {
          const answer = await firstAnswer(url, 30_000);
          progress("answers", answer === undefined ? `${url} does not answer yet` : `${url}: ${answer}`);
        }
      }
      process.stdout.write(nextSteps(kubeconfig, dataDir, urls));
      // From here on, one line per thing the cluster does.
      process.stdout.write("\nEvents as they happen:\n");
      stopEventLog = startEventLog(plane.client, (line) => process.stdout.write(line));
    });
}

function nextSteps(kubeconfig: string, dataDir: string, urls: string[]): string {
  const app = urls[0];
  const tries: [string, string][] = app
    ? [
        [`curl ${app}`, "one of the web pods answers"],
        ["npx mkctl get pods -o wide", "each pod, its IP and node"],
        ["npx mkctl scale deployment/web --replicas=5", "then watch: npx mkctl get pods -w"],
        ["npx mkctl logs deployment/web", "what a pod printed"],
        ["npx mkctl describe service web", "the Service and its endpoints"],
        ["kubectl get all", "the real kubectl works too"],
      ]
    : [
        ["npx mkctl apply -f examples/quickstart/", "three web servers and a NodePort Service"],
        ["npx mkctl get pods -o wide", "each pod, its IP and node"],
        ["kubectl get all", "the real kubectl works too"],
      ];
  const width = Math.max(...tries.map(([command]) => command.length)) + 2;
  return [
    "",
    app ? `The cluster is up, and the app answers at ${app}` : "The cluster is up.",
    "",
    "In another terminal:",
    "",
    `  export KUBECONFIG=${kubeconfig}`,
    ...tries.map(([command, why]) => `  ${command.padEnd(width)}# ${why}`),
    "",
    `Ctrl-C stops it; the next \`minik8s up\` resumes from ${dataDir}.`,
    "",
  ].join("\n");
}

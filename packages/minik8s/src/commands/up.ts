import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { startApiServer } from "@minik8s/apiserver";
import {
  Client,
  emptyKubeConfig,
  setCluster,
  setContext,
  setUser,
  useContext,
  writeKubeConfig,
} from "@minik8s/client";
import { CONTROLLER_NAMES, ControllerManager } from "@minik8s/controller-manager";
import {
  type ContainerRuntime,
  DockerPodNetwork,
  DockerRuntime,
  devicesFor,
  Kubelet,
  parseGpuMode,
  SimRuntime,
} from "@minik8s/kubelet";
import { type ProxyMode, type RunningProxy, startProxy } from "@minik8s/proxy";
import { defaultSchedulerConfig, profilesFromConfig, startScheduler } from "@minik8s/scheduler";
import type { Command } from "commander";
import { pino } from "pino";
import { stopOnSignals } from "../signals.js";

interface UpOptions {
  dataDir: string;
  port: string;
  runtime: string;
  gpus: string;
  nodeName: string;
  proxyMode?: string;
  logLevel: string;
}

/** How long `up` waits for its node to report Ready before it says so and goes on. */
const NODE_READY_TIMEOUT_MS = 60_000;

/**
 * `minik8s up`: the whole cluster on this machine in one process — apiserver, scheduler,
 * controller-manager and a kubelet for this node — with a kubeconfig that mkctl and kubectl both
 * read. The components still talk to each other only through the apiserver, exactly as when they
 * run apart (`minik8s apiserver`, `scheduler`, ...). Ctrl-C stops them and keeps the data and the
 * containers: the next `up` picks up where this one left off and adopts them.
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
    .option("--log-level <level>", "trace, debug, info, warn or error", "warn")
    .action(async (opts: UpOptions) => {
      if (opts.proxyMode !== undefined && opts.proxyMode !== "iptables" && opts.proxyMode !== "userspace")
        throw new Error(`--proxy-mode: want iptables or userspace, got ${JSON.stringify(opts.proxyMode)}`);
      const dataDir = resolve(opts.dataDir);
      mkdirSync(dataDir, { recursive: true });
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port <= 0 || port > 65535)
        throw new Error(`--port: want 1-65535, got ${opts.port}`);
      const gpuMode = parseGpuMode(opts.gpus);
      if (typeof gpuMode === "string") throw new Error(`--gpus: ${gpuMode}`);
      const runtime = await openRuntime(opts.runtime);
      const log = pino({ level: opts.logLevel }, pino.destination(2));

      progress("apiserver", "starting");
      const server = await startApiServer({
        dataDir: resolve(dataDir, "store"),
        port,
        logger: log.child({ name: "apiserver" }),
      });
      progress("apiserver", `ready at ${server.url}`);
      const client = new Client({ server: server.url });

      const scheduler = await startScheduler({
        client,
        profiles: profilesFromConfig(defaultSchedulerConfig()),
        leaderElect: false,
        logger: log.child({ name: "scheduler" }),
      });
      progress("scheduler", "running");

      const manager = new ControllerManager({
        client,
        controllers: [...CONTROLLER_NAMES],
        leaderElect: false,
        identity: `${hostname()}_${process.pid}`,
        workers: 5,
        logger: log.child({ name: "controller-manager" }),
      });
      manager.start();
      progress("controllers", CONTROLLER_NAMES.join(", "));

      const kubelet = new Kubelet({
        client,
        nodeName: opts.nodeName,
        runtime,
        rootDir: resolve(dataDir, "kubelet"),
        gpus: await devicesFor(gpuMode),
        nodeLabels: {},
        taints: [],
        logger: log.child({ name: "kubelet" }),
        // Logs and exec: any free port; the Node's daemonEndpoints tells the apiserver which.
        server: { port: 0 },
        // Pods on a bridge network of the node's pod CIDR, which the nodeipam controller assigns.
        ...(opts.runtime === "docker" ? { podNetwork: new DockerPodNetwork(), hostRoutes: true } : {}),
      });
      await kubelet.start();
      progress("kubelet", `node ${opts.nodeName} (${opts.runtime} runtime)`);
      progress(
        "node",
        (await waitForNodeReady(client, opts.nodeName)) ? "Ready" : "not Ready yet (see the logs)",
      );

      // Simulated pods have no addresses to proxy to; the proxy runs with real containers only.
      let proxy: RunningProxy | undefined;
      if (opts.runtime !== "sim") {
        proxy = await startProxy({
          client,
          nodeName: opts.nodeName,
          mode: opts.proxyMode as ProxyMode | undefined,
          logger: log.child({ name: "proxy" }),
        });
        progress("proxy", `${proxy.mode} mode; cluster DNS on the node's pod gateway:53`);
      }

      const kubeconfig = resolve(dataDir, "kubeconfig");
      let config = emptyKubeConfig();
      config = setCluster(config, "minik8s", { server: server.url });
      config = setUser(config, "admin", {});
      config = setContext(config, "minik8s", { cluster: "minik8s", user: "admin", namespace: "default" });
      await writeKubeConfig(kubeconfig, useContext(config, "minik8s"));
      progress("kubeconfig", kubeconfig);

      process.stdout.write(
        `\nThe cluster is up. In another terminal:\n\n  export KUBECONFIG=${kubeconfig}\n  npx mkctl apply -f examples/web.yaml\n  npx mkctl get pods -o wide\n  kubectl get all\n\nCtrl-C stops it; the next \`minik8s up\` resumes from ${dataDir}.\n`,
      );
      stopOnSignals(async () => {
        await proxy?.stop();
        await kubelet.stop();
        await manager.stop();
        await scheduler.stop();
        client.close();
        await server.close();
      });
    });
}

async function openRuntime(name: string): Promise<ContainerRuntime> {
  if (name === "sim") return new SimRuntime();
  if (name !== "docker") throw new Error(`--runtime: want docker or sim, got ${JSON.stringify(name)}`);
  const docker = new DockerRuntime();
  try {
    await docker.version();
  } catch (err) {
    throw new Error(
      `no Docker engine answers (${err instanceof Error ? err.message : String(err)}).\n` +
        "  Start one (on Debian or Ubuntu as root: bash scripts/ensure-docker.sh), or explore the control\n" +
        "  plane without containers: npx minik8s up --runtime sim",
    );
  }
  return docker;
}

async function waitForNodeReady(client: Client, nodeName: string): Promise<boolean> {
  const deadline = Date.now() + NODE_READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const node = (await client.request({ method: "GET", path: `/api/v1/nodes/${nodeName}` })) as {
        status?: { conditions?: { type: string; status: string }[] };
      };
      if (node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) return true;
    } catch {
      // not registered yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function progress(what: string, detail: string): void {
  process.stdout.write(`  ${what.padEnd(12)} ${detail}\n`);
}

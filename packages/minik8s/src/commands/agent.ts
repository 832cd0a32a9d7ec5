import { hostname } from "node:os";
import { resolve } from "node:path";
import { DEFAULT_CLUSTER_CIDR } from "@minik8s/api";
import { Client, loadClientConfig } from "@minik8s/client";
import { devicesFor, parseGpuMode, parseNodeLabels, parseTaints } from "@minik8s/kubelet";
import type { Command } from "commander";
import { pino } from "pino";
import { parseProxyMode, parseRuntime, startNodeAgent } from "../node-agent.js";
import { progressToStdout as progress } from "../progress.js";
import { stopOnSignals } from "../signals.js";

interface AgentFlags {
  server?: string;
  kubeconfig?: string;
  nodeName: string;
  runtime: string;
  rootDir: string;
  gpus: string;
  nodeLabels: string;
  registerWithTaints: string;
  port: string;
  address: string;
  clusterCidr: string;
  proxyMode?: string;
  logLevel: string;
}

/**
 * `minik8s agent`: what a worker machine runs to join a cluster — the kubelet and the proxy in one
 * process (`minik8s kubelet` and `minik8s proxy` run the same pieces apart).
 */
export function registerAgent(program: Command): void {
  program
    .command("agent")
    .description("join this machine to a cluster as a node: kubelet and proxy")
    .option("--server <url>", "the apiserver (overrides the kubeconfig's)")
    .option("--kubeconfig <file>", "the kubeconfig to read (default: $KUBECONFIG or ~/.kube/config)")
    .option("--node-name <name>", "the name this node registers under", hostname())
    .option("--runtime <runtime>", "docker, or sim (in memory, for tests and hollow nodes)", "docker")
    .option("--root-dir <dir>", "where the kubelet keeps its state", ".minik8s/kubelet")
    .option("--gpus <gpus>", "auto (nvidia-smi), N simulated GPUs, or none", "auto")
    .option("--node-labels <k=v,...>", "labels to register the node with", "")
    .option("--register-with-taints <k=v:Effect,...>", "taints to register the node with", "")
    .option("--port <port>", "the kubelet server's port (logs, exec); the apiserver must reach it", "10250")
    .option("--address <ip>", "the address the kubelet server listens on", "0.0.0.0")
    .option("--cluster-cidr <cidr>", "the whole pod network", DEFAULT_CLUSTER_CIDR)
    .option("--proxy-mode <mode>", "iptables or userspace (default: iptables where it works)")
    .option("--log-level <level>", "trace, debug, info, warn or error", "info")
    .action(async (flags: AgentFlags) => {
      const runtime = parseRuntime(flags.runtime);
      const proxyMode = parseProxyMode(flags.proxyMode);
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--port: want a port number, got ${JSON.stringify(flags.port)}`);
      }
      const labels = parseNodeLabels(flags.nodeLabels);
      if (typeof labels === "string") throw new Error(`--node-labels: ${labels}`);
      const taints = parseTaints(flags.registerWithTaints);
      if (typeof taints === "string") throw new Error(`--register-with-taints: ${taints}`);
      const gpuMode = parseGpuMode(flags.gpus);
      if (typeof gpuMode === "string") throw new Error(`--gpus: ${gpuMode}`);
      const log = pino({ level: flags.logLevel }, pino.destination(2));
      const client = new Client(
        await loadClientConfig({ server: flags.server, kubeconfig: flags.kubeconfig }),
      );
      let agent: Awaited<ReturnType<typeof startNodeAgent>> | undefined;
      stopOnSignals(async () => {
        await agent?.stop();
        client.close();
      });
      progress("server", client.server);
      agent = await startNodeAgent({
        client,
        nodeName: flags.nodeName,
        runtime,
        rootDir: resolve(flags.rootDir),
        gpus: await devicesFor(gpuMode),
        nodeLabels: labels,
        taints,
        kubeletPort: port,
        kubeletAddress: flags.address,
        clusterCIDR: flags.clusterCidr,
        proxyMode,
        logger: log,
        progress,
      });
    });
}

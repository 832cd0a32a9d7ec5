import { resolve } from "node:path";
import { DEFAULT_CLUSTER_CIDR, parseCidr } from "@minik8s/api";
import { Client, loadClientConfig } from "@minik8s/client";
import {
  type ContainerRuntime,
  cleanUpNode,
  DockerPodNetwork,
  DockerRuntime,
  devicesFor,
  Kubelet,
  parseGpuMode,
  parseNodeLabels,
  parseTaints,
  SimRuntime,
} from "@minik8s/kubelet";
import type { Command } from "commander";
import { pino } from "pino";
import { parseDurationFlag, parseNumberFlag } from "../duration.js";
import { stopOnSignals } from "../signals.js";

interface KubeletFlags {
  server?: string;
  kubeconfig?: string;
  nodeName: string;
  runtime: string;
  rootDir: string;
  gpus: string;
  nodeLabels: string;
  registerWithTaints: string;
  logLevel: string;
  port: string;
  address: string;
  clusterCidr: string;
  podCidrWait: string;
  nodeStatusUpdateFrequency: string;
  nodeLeaseDurationSeconds: string;
  cleanup?: boolean;
}

/**
 * `minik8s kubelet`: the node agent. It registers the node, runs the pods bound to it on Docker
 * (or, with --runtime sim, in memory for hollow nodes), and reports their status. Stopping it
 * leaves the containers running; the next kubelet on the same node adopts them.
 */
export function registerKubelet(program: Command): void {
  program
    .command("kubelet")
    .description("run the pods bound to this node and report their status")
    .option("--server <url>", "the apiserver (overrides the kubeconfig's)")
    .option("--kubeconfig <file>", "the kubeconfig to read (default: $KUBECONFIG or ~/.kube/config)")
    .requiredOption("--node-name <name>", "the name this node registers under")
    .option("--runtime <runtime>", "docker, or sim (in memory, for tests and hollow nodes)", "docker")
    .option("--root-dir <dir>", "where the kubelet keeps its state (device assignments)", ".minik8s/kubelet")
    .option("--gpus <gpus>", "auto (nvidia-smi), N simulated GPUs, or none", "auto")
    .option("--node-labels <k=v,...>", "labels to register the node with", "")
    .option("--register-with-taints <k=v:Effect,...>", "taints to register the node with", "")
    .option("--log-level <level>", "trace, debug, info, warn or error", "info")
    .option(
      "--port <port>",
      "the port of the kubelet server (logs, exec, stats); 0 picks a free one",
      "10250",
    )
    .option("--address <ip>", "the address the kubelet server listens on", "0.0.0.0")
    .option(
      "--cluster-cidr <cidr>",
      "the whole pod network, which the host's DOCKER-USER rules let through",
      DEFAULT_CLUSTER_CIDR,
    )
    .option("--pod-cidr-wait <seconds>", "how long to wait at start for the node's spec.podCIDR", "10")
    .option(
      "--node-status-update-frequency <duration>",
      "how often the node status is checked and posted if changed",
      "10s",
    )
    .option(
      "--node-lease-duration-seconds <n>",
      "the node Lease's duration; it is renewed every quarter of it",
      "40",
    )
    .option("--cleanup", "remove this node's containers and pod network (and the host's rules), then exit")
    .action(async (flags: KubeletFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--port: want a port number, got ${JSON.stringify(flags.port)}`);
      }
      const labels = parseNodeLabels(flags.nodeLabels);
      if (typeof labels === "string") throw new Error(labels);
      const taints = parseTaints(flags.registerWithTaints);
      if (typeof taints === "string") throw new Error(taints);
      const gpuMode = parseGpuMode(flags.gpus);
      if (typeof gpuMode === "string") throw new Error(gpuMode);
      if (!parseCidr(flags.clusterCidr)) {
        throw new Error(`--cluster-cidr: want an IPv4 CIDR such as 10.244.0.0/16, got ${flags.clusterCidr}`);
      }
      const podCIDRWaitMs = Number(flags.podCidrWait) * 1000;
      if (!Number.isFinite(podCIDRWaitMs) || podCIDRWaitMs < 0) {
        throw new Error(`--pod-cidr-wait: want seconds, got ${JSON.stringify(flags.podCidrWait)}`);
      }
      const nodeStatusUpdateFrequencyMs = parseDurationFlag(
        "--node-status-update-frequency",
        flags.nodeStatusUpdateFrequency,
      );
      const nodeLeaseRenewMs =
        parseNumberFlag("--node-lease-duration-seconds", flags.nodeLeaseDurationSeconds) * 250;
      let runtime: ContainerRuntime;
      if (flags.runtime === "docker") runtime = new DockerRuntime();
      else if (flags.runtime === "sim") runtime = new SimRuntime();
      else throw new Error(`--runtime: want docker or sim, got ${JSON.stringify(flags.runtime)}`);
      const podNetwork =
        flags.runtime === "docker" ? new DockerPodNetwork({ clusterCIDR: flags.clusterCidr }) : undefined;
      if (flags.cleanup) {
        const failed = await cleanUpNode(runtime, flags.nodeName, podNetwork);
        if (failed) throw failed;
        process.stdout.write(`node ${flags.nodeName}: containers and pod network removed\n`);
        return;
      }

      const log = pino({ name: "kubelet", level: flags.logLevel }, pino.destination(2));
      const client = new Client(
        await loadClientConfig({ server: flags.server, kubeconfig: flags.kubeconfig }),
      );
      const kubelet = new Kubelet({
        client,
        nodeName: flags.nodeName,
        runtime,
        rootDir: resolve(flags.rootDir),
        gpus: await devicesFor(gpuMode),
        nodeLabels: labels,
        taints,
        logger: log,
        server: { port, address: flags.address },
        nodeStatusUpdateFrequencyMs,
        nodeLeaseRenewMs,
        ...(podNetwork ? { podNetwork, hostRoutes: true, podCIDRWaitMs } : {}),
      });
      stopOnSignals(async () => {
        await kubelet.stop();
        client.close();
      });
      log.info(
        { server: client.server, node: flags.nodeName, runtime: flags.runtime, gpus: flags.gpus },
        "kubelet starting",
      );
      await kubelet.start();
    });
}

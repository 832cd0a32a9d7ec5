import { resolve } from "node:path";
import { Client, loadClientConfig } from "@minik8s/client";
import {
  type ContainerRuntime,
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
    .action(async (flags: KubeletFlags) => {
      const labels = parseNodeLabels(flags.nodeLabels);
      if (typeof labels === "string") throw new Error(labels);
      const taints = parseTaints(flags.registerWithTaints);
      if (typeof taints === "string") throw new Error(taints);
      const gpuMode = parseGpuMode(flags.gpus);
      if (typeof gpuMode === "string") throw new Error(gpuMode);
      let runtime: ContainerRuntime;
      if (flags.runtime === "docker") runtime = new DockerRuntime();
      else if (flags.runtime === "sim") runtime = new SimRuntime();
      else throw new Error(`--runtime: want docker or sim, got ${JSON.stringify(flags.runtime)}`);

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

import type { Taint } from "@minik8s/api";
import type { Client } from "@minik8s/client";
import {
  type ContainerRuntime,
  DockerPodNetwork,
  DockerRuntime,
  type GpuDevice,
  Kubelet,
  SimRuntime,
} from "@minik8s/kubelet";
import { type ProxyMode, type RunningProxy, startProxy } from "@minik8s/proxy";
import type { Logger } from "pino";
import type { Progress } from "./progress.js";

export interface NodeAgentOptions {
  client: Client;
  nodeName: string;
  runtime: "docker" | "sim";
  rootDir: string;
  gpus: GpuDevice[] | undefined;
  nodeLabels?: Record<string, string>;
  taints?: Taint[];
  /** The kubelet server (logs, exec): 10250 as in Kubernetes, 0 for any free port. */
  kubeletPort: number;
  kubeletAddress?: string;
  clusterCIDR?: string;
  proxyMode?: ProxyMode | undefined;
  logger: Logger;
  progress: Progress;
}

export interface NodeAgent {
  kubelet: Kubelet;
  proxy: RunningProxy | undefined;
  stop(): Promise<void>;
}

/** How long the agent waits for its node to report Ready before it says so and goes on. */
const NODE_READY_TIMEOUT_MS = 60_000;

/**
 * What every node runs: the kubelet (pods on Docker, on the node's pod network) and the proxy
 * (Services and the cluster DNS). `minik8s up` runs one beside the control plane; `minik8s agent`
 * runs one on a machine of its own. Both talk only to the apiserver.
 */
export async function startNodeAgent(o: NodeAgentOptions): Promise<NodeAgent> {
  const runtime = await openRuntime(o.runtime);
  const kubelet = new Kubelet({
    client: o.client,
    nodeName: o.nodeName,
    runtime,
    rootDir: o.rootDir,
    gpus: o.gpus,
    nodeLabels: o.nodeLabels ?? {},
    taints: o.taints ?? [],
    logger: o.logger.child({ name: "kubelet" }),
    server: { port: o.kubeletPort, ...(o.kubeletAddress ? { address: o.kubeletAddress } : {}) },
    // Pods on a bridge network of the node's pod CIDR, which the nodeipam controller assigns.
    ...(o.runtime === "docker"
      ? {
          podNetwork: new DockerPodNetwork(o.clusterCIDR ? { clusterCIDR: o.clusterCIDR } : {}),
          hostRoutes: true,
        }
      : {}),
  });
  await kubelet.start();
  o.progress("kubelet", `node ${o.nodeName} (${o.runtime} runtime, server on port ${kubelet.port ?? "-"})`);
  o.progress(
    "node",
    (await waitForNodeReady(o.client, o.nodeName)) ? "Ready" : "not Ready yet (see the logs)",
  );

  // Simulated pods have no addresses to send traffic to: the proxy runs with real containers only.
  let proxy: RunningProxy | undefined;
  if (o.runtime === "docker") {
    proxy = await startProxy({
      client: o.client,
      nodeName: o.nodeName,
      mode: o.proxyMode,
      ...(o.clusterCIDR ? { clusterCIDR: o.clusterCIDR } : {}),
      logger: o.logger.child({ name: "proxy" }),
    });
    await proxy.ready();
    o.progress("proxy", `${proxy.mode} mode; cluster DNS on ${proxy.dnsAddress() ?? "(not bound yet)"}`);
  }
  return {
    kubelet,
    proxy,
    async stop() {
      await proxy?.stop();
      await kubelet.stop();
    },
  };
}

async function openRuntime(name: "docker" | "sim"): Promise<ContainerRuntime> {
  if (name === "sim") return new SimRuntime();
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

/** Parses --runtime. */
export function parseRuntime(text: string): "docker" | "sim" {
  if (text === "docker" || text === "sim") return text;
  throw new Error(`--runtime: want docker or sim, got ${JSON.stringify(text)}`);
}

/** Parses --proxy-mode (absent: iptables where it works, else userspace). */
export function parseProxyMode(text: string | undefined): ProxyMode | undefined {
  if (text === undefined || text === "iptables" || text === "userspace") return text;
  throw new Error(`--proxy-mode: want iptables or userspace, got ${JSON.stringify(text)}`);
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

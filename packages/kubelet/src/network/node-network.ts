import { readFileSync } from "node:fs";
import { type KindInfo, kindForApiVersion, type Node, type Pod, podGateway } from "@minik8s/api";
import { type Client, type Clock, type Logger, sleep } from "@minik8s/client";
import type { SandboxConfig } from "../runtime/container-runtime.js";
import type { PodNetworkDriver } from "./docker-pod-network.js";
import { type DnsConfig, parseResolvConf, podDnsConfig } from "./pod-dns.js";

const NODES = kindForApiVersion("v1", "Node") as KindInfo;

/** What this node's pods are given: the network to join, and the cluster DNS server. */
export interface NodeNetwork {
  podCIDR?: string | undefined;
  /** The runtime network sandboxes join; undefined: the runtime's default (Docker's bridge). */
  network?: string | undefined;
  /** The pods' gateway, which serves cluster DNS; undefined without a pod network. */
  clusterDNS?: string | undefined;
}

/** The host's resolver settings; an empty config when the file cannot be read. */
export function hostDnsConfig(path = "/etc/resolv.conf"): DnsConfig {
  try {
    return parseResolvConf(readFileSync(path, "utf8"));
  } catch {
    return { nameservers: [], searches: [], options: [] };
  }
}

/**
 * Sets up this node's pod network: waits up to `waitMs` for the node IPAM controller to give
 * the Node a `spec.podCIDR`, then has the driver make the network. Without a CIDR (no IPAM
 * running) or when the driver fails, pods stay on the runtime's default network, and the log
 * says so: they still run, but other nodes' pods cannot reach them by pod IP.
 */
export async function setUpNodeNetwork(o: {
  client: Client;
  nodeName: string;
  driver: PodNetworkDriver;
  waitMs: number;
  /** How often the Node is read while waiting; default 200 ms. */
  pollMs?: number;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
}): Promise<NodeNetwork> {
  const deadline = o.clock.now() + o.waitMs;
  let podCIDR: string | undefined;
  for (;;) {
    try {
      const node = await o.client.get<Node>(NODES, undefined, o.nodeName);
      podCIDR = node.spec?.podCIDR || node.spec?.podCIDRs?.[0];
    } catch (err) {
      o.log.debug({ node: o.nodeName, err: String(err) }, "reading node for its pod CIDR");
    }
    if (podCIDR || o.clock.now() >= deadline || o.signal.aborted) break;
    await sleep(o.clock, o.pollMs ?? 200, o.signal);
  }
  if (!podCIDR) {
    if (o.signal.aborted) return {};
    o.log.warn(
      { node: o.nodeName, waitedMs: o.waitMs },
      "node has no spec.podCIDR yet (is the controller-manager's nodeipam controller running?); until it has, new pods use Docker's default bridge",
    );
    return {};
  }
  const network = await o.driver.ensure(o.nodeName, podCIDR);
  if (network instanceof Error) {
    o.log.error(
      { node: o.nodeName, podCIDR, err: network.message },
      "pod network setup failed; pods use Docker's default bridge",
    );
    return { podCIDR };
  }
  o.log.info({ node: o.nodeName, podCIDR, network, gateway: podGateway(podCIDR) }, "pod network ready");
  return { podCIDR, network, clusterDNS: podGateway(podCIDR) };
}

/** The network and resolver settings of one pod's sandbox. */
export function sandboxNetwork(
  pod: Pod,
  net: NodeNetwork,
  host: DnsConfig,
): Pick<SandboxConfig, "network" | "dns"> {
  if (pod.spec.hostNetwork) return { network: "host" };
  const dns = podDnsConfig(pod, { clusterDNS: net.clusterDNS, host });
  return { ...(net.network ? { network: net.network } : {}), ...(dns ? { dns } : {}) };
}

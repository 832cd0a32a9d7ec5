import {
  cidrContains,
  DEFAULT_CLUSTER_CIDR,
  parseCidr,
  podBridgeInterface,
  podGateway,
  podNetworkName,
} from "@minik8s/api";
import Docker from "dockerode";
import { ensureClusterFirewall, removeClusterFirewall } from "./cluster-firewall.js";
import { type RunCommand, runCommand } from "./exec-command.js";

/** Labels on the Docker networks minik8s makes: which are ours, and whose. */
export const NETWORK_LABELS = {
  podNetwork: "minik8s.io/pod-network",
  node: "minik8s.io/node",
  podCIDR: "minik8s.io/pod-cidr",
} as const;

/** What the kubelet needs of a pod network: one per node, made from the node's pod CIDR. */
export interface PodNetworkDriver {
  /** Makes the node's network exist with subnet `podCIDR`; the value is the name sandboxes join. */
  ensure(nodeName: string, podCIDR: string): Promise<string | Error>;
  /** Removes the node's network, and the host's rules once no node network is left. */
  remove(nodeName: string): Promise<Error | undefined>;
}

export interface DockerPodNetworkOptions {
  docker?: Docker.DockerOptions;
  /** The whole pod network (every node's CIDR inside it): what the host's rules let through. */
  clusterCIDR?: string;
  run?: RunCommand;
}

/**
 * A node's pods on a Docker bridge network of their own, Kubernetes' "kubenet" in Docker's
 * terms: network `minik8s-<node>`, Linux bridge `mk8s-<hash>`, subnet = the node's pod CIDR,
 * gateway = its first address (the bridge's own: the pods' default route and DNS server).
 * Docker's masquerading is off for it (the host rules do it for traffic leaving the cluster
 * CIDR only), and DOCKER-USER lets the cluster CIDR through Docker's isolation between bridges.
 */
export class DockerPodNetwork implements PodNetworkDriver {
  private readonly docker: Docker;
  private readonly clusterCIDR: string;
  private readonly run: RunCommand;

  constructor(opts: DockerPodNetworkOptions = {}) {
    this.docker = new Docker(opts.docker);
    this.clusterCIDR = opts.clusterCIDR ?? DEFAULT_CLUSTER_CIDR;
    this.run = opts.run ?? runCommand;
  }

  async ensure(nodeName: string, podCIDR: string): Promise<string | Error> {
    const name = podNetworkName(nodeName);
    const gateway = podGateway(podCIDR);
    if (!gateway) return new Error(`pod CIDR ${podCIDR} of node ${nodeName} is too small for a network`);
    const existing = await this.inspect(name);
    if (existing instanceof Error) return existing;
    if (existing) {
      const subnet = existing.IPAM?.Config?.[0]?.Subnet;
      if (subnet !== podCIDR) {
        // The node was given another CIDR (a new cluster under an old node name): start afresh.
        if (Object.keys(existing.Containers ?? {}).length > 0) {
          return new Error(
            `docker network ${name} has subnet ${subnet}, not the node's pod CIDR ${podCIDR}, and containers still use it`,
          );
        }
        const removed = await this.removeNetwork(name);
        if (removed) return removed;
      } else {
        const fw = await ensureClusterFirewall(this.clusterCIDR, this.run);
        return fw ?? name;
      }
    }
    try {
      await this.docker.createNetwork({
        Name: name,
        Driver: "bridge",
        CheckDuplicate: true,
        IPAM: { Driver: "default", Config: [{ Subnet: podCIDR, Gateway: gateway }] },
        Options: {
          "com.docker.network.bridge.name": podBridgeInterface(nodeName),
          "com.docker.network.bridge.enable_ip_masquerade": "false",
        },
        Labels: {
          [NETWORK_LABELS.podNetwork]: "true",
          [NETWORK_LABELS.node]: nodeName,
          [NETWORK_LABELS.podCIDR]: podCIDR,
        },
      });
    } catch (err) {
      // Another process made it meanwhile: fine if it is what we wanted.
      const again = await this.inspect(name);
      if (again instanceof Error || again?.IPAM?.Config?.[0]?.Subnet !== podCIDR) {
        return new Error(`creating docker network ${name} (${podCIDR}): ${messageOf(err)}`);
      }
    }
    const fw = await ensureClusterFirewall(this.clusterCIDR, this.run);
    return fw ?? name;
  }

  async remove(nodeName: string): Promise<Error | undefined> {
    const removed = await this.removeNetwork(podNetworkName(nodeName));
    if (removed) return removed;
    let left: Docker.NetworkInspectInfo[];
    try {
      left = await this.docker.listNetworks({
        filters: JSON.stringify({ label: [`${NETWORK_LABELS.podNetwork}=true`] }),
      });
    } catch (err) {
      return new Error(`listing docker networks: ${messageOf(err)}`);
    }
    // Rules serve every node network of this cluster CIDR on the host; the last one out removes them.
    const cluster = parseCidr(this.clusterCIDR);
    const ours = left.filter((n) => {
      const ip = (n.Labels?.[NETWORK_LABELS.podCIDR] ?? "").split("/")[0] ?? "";
      return cluster === undefined || cidrContains(cluster, ip);
    });
    if (ours.length > 0) return undefined;
    return removeClusterFirewall(this.clusterCIDR, this.run);
  }

  private async inspect(name: string): Promise<Docker.NetworkInspectInfo | undefined | Error> {
    try {
      return (await this.docker.getNetwork(name).inspect()) as Docker.NetworkInspectInfo;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      return new Error(`inspecting docker network ${name}: ${messageOf(err)}`);
    }
  }

  private async removeNetwork(name: string): Promise<Error | undefined> {
    try {
      await this.docker.getNetwork(name).remove();
      return undefined;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      return new Error(`removing docker network ${name}: ${messageOf(err)}`);
    }
  }
}

function messageOf(err: unknown): string {
  const e = err as { json?: { message?: string }; message?: string } | undefined;
  return e?.json?.message ?? e?.message ?? String(err);
}

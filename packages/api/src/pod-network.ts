import { createHash } from "node:crypto";
import { numberToIp, parseCidr } from "./ipv4.js";

/**
 * The pod network's shared names and numbers. The controller-manager hands each Node a slice of
 * the cluster CIDR (`spec.podCIDR`), the kubelet puts that node's pods on a Docker bridge network
 * with that subnet, and the proxy serves cluster DNS on the bridge's gateway address, which is
 * also the nameserver the kubelet writes into every ClusterFirst pod's resolv.conf.
 */

/** Kubernetes' usual `--cluster-cidr`, cut into /24s, one per node (`--node-cidr-mask-size`). */
export const DEFAULT_CLUSTER_CIDR = "10.244.0.0/16";
export const DEFAULT_NODE_CIDR_MASK = 24;
export const CLUSTER_DOMAIN = "cluster.local";

/** The Docker network a node's pods join; its Linux bridge gets a short name (interface names stop at 15 bytes). */
export function podNetworkName(nodeName: string): string {
  return `minik8s-${nodeName}`;
}

export function podBridgeInterface(nodeName: string): string {
  return `mk8s-${createHash("sha256").update(nodeName).digest("hex").slice(0, 8)}`;
}

/** The first address of a node's pod CIDR: the bridge's own address, the pods' gateway and DNS server. */
export function podGateway(podCIDR: string): string | undefined {
  const c = parseCidr(podCIDR);
  if (c === undefined || c.size < 4) return undefined;
  return numberToIp(c.base + 1);
}

/** The resolver settings of a dnsPolicy ClusterFirst pod in namespace `ns`. */
export function clusterFirstSearch(ns: string, domain = CLUSTER_DOMAIN): string[] {
  return [`${ns}.svc.${domain}`, `svc.${domain}`, domain];
}

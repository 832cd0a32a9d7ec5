import type { Node, Pod } from "@minik8s/api";
import { Quantity } from "@minik8s/api/quantity";
import { podRequests, toSchedulerUnits } from "./pod-requests.js";
import type { NodeInfo } from "./types.js";

/**
 * The scheduler's per-node bookkeeping, as kube-scheduler's framework.NodeInfo: allocatable and the
 * sum of the requests of the pods on the node (bound or assumed), `pods` counting 1 per pod, plus
 * host ports and images. The cache adds an assumed pod before its Binding is written and removes it
 * if binding fails.
 */

/** A host port as NodeInfo.usedPorts holds it: "TCP/0.0.0.0/8080". */
export interface HostPort {
  protocol: string;
  ip: string;
  port: number;
}

export const portKey = (p: HostPort): string => `${p.protocol}/${p.ip}/${p.port}`;

export function parsePortKey(key: string): HostPort {
  const [protocol = "TCP", ip = "0.0.0.0", port = "0"] = key.split("/");
  return { protocol, ip, port: Number(port) };
}

/** The host ports a pod asks for: app containers and sidecars, defaults as Kubernetes (TCP, 0.0.0.0). */
export function podHostPorts(pod: Pod): HostPort[] {
  const containers = [
    ...pod.spec.containers,
    ...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always"),
  ];
  const out: HostPort[] = [];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ protocol: p.protocol || "TCP", ip: p.hostIP || "0.0.0.0", port: p.hostPort });
    }
  }
  return out;
}

/**
 * A node's allocatable in scheduler units. Kubernetes reads only status.allocatable; we fall back to
 * capacity for a node that reports no allocatable at all.
 */
export function nodeAllocatable(node: Node): Record<string, bigint> {
  const list = node.status?.allocatable ?? node.status?.capacity ?? {};
  const out: Record<string, bigint> = {};
  for (const [name, text] of Object.entries(list)) out[name] = toSchedulerUnits(name, Quantity.parse(text));
  return out;
}

function nodeImages(node: Node): Set<string> {
  return new Set((node.status?.images ?? []).flatMap((i) => i.names ?? []));
}

const podId = (p: Pod): string => p.metadata.uid ?? `${p.metadata.namespace ?? ""}/${p.metadata.name ?? ""}`;

function add(into: Record<string, bigint>, more: Record<string, bigint>, sign: 1n | -1n): void {
  for (const [name, v] of Object.entries(more)) {
    if (name === "pods") continue;
    into[name] = (into[name] ?? 0n) + sign * v;
  }
  into.pods = (into.pods ?? 0n) + sign;
}

export function newNodeInfo(node: Node, pods: readonly Pod[] = []): NodeInfo {
  const info: NodeInfo = {
    node,
    pods: [],
    requested: {},
    nonZeroRequested: {},
    allocatable: nodeAllocatable(node),
    usedPorts: new Set(),
    images: nodeImages(node),
  };
  for (const pod of pods) addPod(info, pod);
  return info;
}

/** Replaces the Node (an update from the API) and keeps the pods. */
export function setNode(info: NodeInfo, node: Node): void {
  info.node = node;
  info.allocatable = nodeAllocatable(node);
  info.images = nodeImages(node);
}

export function addPod(info: NodeInfo, pod: Pod): void {
  info.pods.push(pod);
  add(info.requested, podRequests(pod), 1n);
  info.nonZeroRequested ??= {};
  add(info.nonZeroRequested, podRequests(pod, { nonZero: true }), 1n);
  for (const p of podHostPorts(pod)) info.usedPorts.add(portKey(p));
}

/** Removes the pod with the same uid (or namespace/name); false when it was not there. */
export function removePod(info: NodeInfo, pod: Pod): boolean {
  const i = info.pods.findIndex((p) => podId(p) === podId(pod));
  if (i < 0) return false;
  const [gone] = info.pods.splice(i, 1);
  add(info.requested, podRequests(gone!), -1n);
  info.nonZeroRequested ??= {};
  add(info.nonZeroRequested, podRequests(gone!, { nonZero: true }), -1n);
  // Two pods never share a host port on one node, so the remaining pods' ports are exactly the set.
  info.usedPorts = new Set(info.pods.flatMap((p) => podHostPorts(p).map(portKey)));
  return true;
}

/** A copy a scheduling cycle can read while the cache keeps changing the original. */
export function cloneNodeInfo(info: NodeInfo): NodeInfo {
  return {
    node: info.node,
    pods: [...info.pods],
    requested: { ...info.requested },
    nonZeroRequested: { ...(info.nonZeroRequested ?? info.requested) },
    allocatable: { ...info.allocatable },
    usedPorts: new Set(info.usedPorts),
    images: new Set(info.images),
  };
}

export const nodeName = (info: NodeInfo): string => info.node.metadata.name ?? "";

import type { Node, Pod } from "@minik8s/api";
import { Quantity } from "@minik8s/api/quantity";
import { podRequests, toSchedulerUnits } from "./pod-requests.js";
import type { NodeInfo, NodeNumbers } from "./types.js";

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

function add(
  into: Record<string, bigint>,
  more: Record<string, bigint>,
  sign: 1n | -1n,
  numbers: Record<string, number> | undefined,
): void {
  for (const [name, v] of Object.entries(more)) {
    if (name === "pods") continue;
    into[name] = (into[name] ?? 0n) + sign * v;
    if (numbers) numbers[name] = Number(into[name]);
  }
  into.pods = (into.pods ?? 0n) + sign;
  if (numbers) numbers.pods = Number(into.pods);
}

const asNumbers = (values: Record<string, bigint>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(values)) out[name] = Number(v);
  return out;
};

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
  info.numbers = { allocatable: asNumbers(info.allocatable), requested: {}, nonZeroRequested: {} };
  for (const pod of pods) addPod(info, pod);
  return info;
}

/** Replaces the Node (an update from the API) and keeps the pods. */
export function setNode(info: NodeInfo, node: Node): void {
  info.node = node;
  info.allocatable = nodeAllocatable(node);
  if (info.numbers) info.numbers.allocatable = asNumbers(info.allocatable);
  info.images = nodeImages(node);
}

/** What a pod adds to a NodeInfo, in scheduler units. */
interface PodUsage {
  requests: Record<string, bigint>;
  nonZero: Record<string, bigint>;
  ports: string[];
}

/**
 * Each pod object's usage, worked out when it is first added (as kube-scheduler's PodInfo): the
 * removal of that same object, and its confirmation by the informer right after it was assumed,
 * then parse no quantities again. Pod objects are never changed in place (updates replace them).
 */
const usageOf = new WeakMap<Pod, PodUsage>();

function podUsage(pod: Pod): PodUsage {
  let u = usageOf.get(pod);
  if (!u) {
    u = {
      requests: podRequests(pod),
      nonZero: podRequests(pod, { nonZero: true }),
      ports: podHostPorts(pod).map(portKey),
    };
    usageOf.set(pod, u);
  }
  return u;
}

export function addPod(info: NodeInfo, pod: Pod): void {
  info.pods.push(pod);
  const u = podUsage(pod);
  add(info.requested, u.requests, 1n, info.numbers?.requested);
  info.nonZeroRequested ??= {};
  add(info.nonZeroRequested, u.nonZero, 1n, info.numbers?.nonZeroRequested);
  for (const key of u.ports) info.usedPorts.add(key);
}

/** Removes the pod with the same uid (or namespace/name); false when it was not there. */
export function removePod(info: NodeInfo, pod: Pod): boolean {
  const id = podId(pod);
  const i = info.pods.findIndex((p) => podId(p) === id);
  if (i < 0) return false;
  const [gone] = info.pods.splice(i, 1);
  const u = podUsage(gone!);
  add(info.requested, u.requests, -1n, info.numbers?.requested);
  info.nonZeroRequested ??= {};
  add(info.nonZeroRequested, u.nonZero, -1n, info.numbers?.nonZeroRequested);
  // Two pods never share a host port on one node, so the remaining pods' ports are exactly the set
  // (unchanged when the pod had none).
  if (u.ports.length > 0) info.usedPorts = new Set(info.pods.flatMap((p) => podUsage(p).ports));
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
    ...(info.numbers ? { numbers: cloneNumbers(info.numbers) } : {}),
  };
}

const cloneNumbers = (n: NodeNumbers): NodeNumbers => ({
  allocatable: { ...n.allocatable },
  requested: { ...n.requested },
  nonZeroRequested: { ...n.nonZeroRequested },
});

export const nodeName = (info: NodeInfo): string => info.node.metadata.name ?? "";

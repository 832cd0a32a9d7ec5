import type { Node, Pod, Taint, Toleration } from "@minik8s/api/schemas/core";
import type { Informer } from "@minik8s/client";

/** The taints the node lifecycle controller puts on and takes off (Kubernetes' well-known taints). */
export const TAINT_NOT_READY = "node.kubernetes.io/not-ready";
export const TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";
export const TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
export const TAINT_MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";
export const TAINT_DISK_PRESSURE = "node.kubernetes.io/disk-pressure";
export const TAINT_PID_PRESSURE = "node.kubernetes.io/pid-pressure";
export const TAINT_NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable";

/**
 * Kubernetes' Toleration.ToleratesTaint: an empty effect matches every effect, an empty key (only
 * with Exists) every key; Exists ignores the value, Equal (the default) needs it equal.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if ((t.operator ?? "Equal") === "Exists") return true;
  return (t.value ?? "") === (taint.value ?? "");
}

export function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

export function noExecuteTaints(node: Node | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === "NoExecute");
}

/** The index of pods by `spec.nodeName` on the shared pod informer (added once, whoever asks first). */
export const POD_NODE_INDEX = "spec.nodeName";

export function indexPodsByNode(pods: Informer<Pod>): void {
  try {
    pods.addIndexers({ [POD_NODE_INDEX]: (p) => (p.spec.nodeName ? [p.spec.nodeName] : []) });
  } catch {
    // another controller added it already: the same index
  }
}

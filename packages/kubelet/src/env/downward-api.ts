import { type Container, type Pod, Quantity } from "@minik8s/api";

/** What the downward API reads beside the pod: where it runs and how big the node is. */
export interface DownwardContext {
  nodeName: string;
  podIP: string;
  hostIP: string;
  /** The node's allocatable cpu (millicores) and memory (bytes): the value of an unset limit. */
  allocatable: { cpuMillis: number; memoryBytes: number };
}

/**
 * The value of a `fieldRef` (Kubernetes' podFieldSelectorRuntimeValue), or an error in
 * Kubernetes' words for a path the downward API does not serve.
 */
export function fieldRefValue(
  pod: Pod,
  path: string,
  ctx: DownwardContext,
): { ok: true; value: string } | { ok: false; message: string } {
  const m = pod.metadata;
  const value = (v: string) => ({ ok: true as const, value: v });
  switch (path) {
    case "metadata.name":
      return value(m.name ?? "");
    case "metadata.namespace":
      return value(m.namespace ?? "default");
    case "metadata.uid":
      return value(m.uid ?? "");
    case "spec.nodeName":
      return value(pod.spec.nodeName ?? ctx.nodeName);
    case "spec.serviceAccountName":
      return value(pod.spec.serviceAccountName ?? "");
    case "status.podIP":
    case "status.podIPs":
      return value(ctx.podIP);
    case "status.hostIP":
    case "status.hostIPs":
      return value(ctx.hostIP);
  }
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (subscript) {
    const map = subscript[1] === "labels" ? m.labels : m.annotations;
    return value(map?.[subscript[2]!] ?? "");
  }
  return { ok: false, message: `unsupported fieldPath: ${path}` };
}

/**
 * The value of a `resourceFieldRef` (Kubernetes' ExtractContainerResourceValue): the quantity
 * divided by the divisor (default 1), rounded up. A limit the container does not set reads as the
 * node's allocatable, as the kubelet's defaultPodLimitsForDownwardAPI does; an unset request is 0.
 */
export function resourceFieldRefValue(
  pod: Pod,
  container: Container,
  ref: { containerName?: string | undefined; resource: string; divisor?: string | undefined },
  ctx: DownwardContext,
): { ok: true; value: string } | { ok: false; message: string } {
  const target = ref.containerName
    ? [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === ref.containerName)
    : container;
  if (!target) return { ok: false, message: `container ${ref.containerName} not found` };
  const [kind, resource] = ref.resource.split(".", 2) as [string, string | undefined];
  if ((kind !== "limits" && kind !== "requests") || (resource !== "cpu" && resource !== "memory")) {
    return { ok: false, message: `unsupported container resource : ${ref.resource}` };
  }
  try {
    const text = target.resources?.[kind]?.[resource];
    const divisor = Quantity.parse(ref.divisor ?? "1");
    const ceilDiv = (a: bigint, b: bigint) => {
      if (b === 0n) return 0n;
      return a % b === 0n ? a / b : a / b + (a > 0n === b > 0n ? 1n : 0n);
    };
    if (divisor.isZero()) return { ok: true, value: "0" };
    if (resource === "cpu") {
      const fallback = kind === "limits" ? ctx.allocatable.cpuMillis : 0;
      const milli = text !== undefined ? Quantity.parse(text).milliValue() : BigInt(fallback);
      return { ok: true, value: String(ceilDiv(milli, divisor.milliValue())) };
    }
    const fallback = kind === "limits" ? ctx.allocatable.memoryBytes : 0;
    const bytes = text !== undefined ? Quantity.parse(text).value() : BigInt(fallback);
    return { ok: true, value: String(ceilDiv(bytes, divisor.value())) };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

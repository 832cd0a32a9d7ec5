import type {
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  Pod,
  Service,
  ServicePort,
} from "@minik8s/api/schemas/core";
import { isPodReady } from "../../pod-util.js";

/**
 * The subsets of a Service's Endpoints, from the pods its selector picked (Kubernetes'
 * endpoints controller syncService + endpoints.RepackSubsets), a pure function:
 * - a pod with no IP yet, a terminating pod (unless publishNotReadyAddresses), and a pod that
 *   has finished (Succeeded/Failed) are left out;
 * - a ready pod goes in `addresses`, an unready one in `notReadyAddresses`; with
 *   `publishNotReadyAddresses` every pod counts as ready;
 * - each service port resolves per pod: a number is used as it is, a name is looked up among
 *   the pod's container ports (same protocol); a pod without that name is left out of that port;
 * - addresses with the same set of ports share one subset, so pods that resolve a named port
 *   differently land in different subsets. Subsets, addresses and ports come out sorted, so the
 *   same pods always give the same Endpoints.
 */
export function endpointSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const tolerateUnready = service.spec.publishNotReadyAddresses === true;
  const ports = service.spec.ports ?? [];
  const headless = service.spec.clusterIP === "None";
  /** address key -> its address, readiness and the ports it serves */
  const byAddress = new Map<string, { address: EndpointAddress; ready: boolean; ports: EndpointPort[] }>();

  for (const pod of pods) {
    const ip = pod.status?.podIP;
    if (!ip) continue;
    if (!tolerateUnready && pod.metadata.deletionTimestamp) continue;
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") continue;
    const address = podAddress(service, pod, ip);
    const ready = tolerateUnready || isPodReady(pod);
    const resolved: EndpointPort[] = [];
    for (const sp of ports) {
      const port = resolvePort(pod, sp);
      if (port === undefined) continue;
      resolved.push({
        ...(sp.name ? { name: sp.name } : {}),
        port,
        protocol: sp.protocol ?? "TCP",
        ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
      });
    }
    // A pod serving none of the ports is no endpoint, except of a headless service without ports.
    if (resolved.length === 0 && !(headless && ports.length === 0)) continue;
    byAddress.set(`${ip}/${pod.metadata.uid ?? pod.metadata.name}`, { address, ready, ports: resolved });
  }

  const groups = new Map<string, EndpointSubset & { ports: EndpointPort[] }>();
  for (const { address, ready, ports: served } of byAddress.values()) {
    const sorted = [...served].sort(comparePorts);
    const key = JSON.stringify(sorted);
    let subset = groups.get(key);
    if (!subset) {
      subset = { ports: sorted };
      groups.set(key, subset);
    }
    if (ready) subset.addresses = [...(subset.addresses ?? []), address];
    else subset.notReadyAddresses = [...(subset.notReadyAddresses ?? []), address];
  }
  const subsets = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  for (const s of subsets) {
    s.addresses?.sort(compareAddresses);
    s.notReadyAddresses?.sort(compareAddresses);
  }
  return subsets.map(({ addresses, notReadyAddresses, ports: p }) => ({
    ...(addresses ? { addresses } : {}),
    ...(notReadyAddresses ? { notReadyAddresses } : {}),
    ...(p.length > 0 ? { ports: p } : {}),
  }));
}

/**
 * The container port a service port reaches on this pod (Kubernetes' podutil.FindPort):
 * targetPort as a number, or the named container port of the same protocol; unset means `port`.
 */
export function resolvePort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === "number") return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? "TCP";
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? "TCP") === protocol) return p.containerPort;
    }
  }
  return undefined;
}

function podAddress(service: Service, pod: Pod, ip: string): EndpointAddress {
  const ns = pod.metadata.namespace ?? "default";
  // A pod's hostname is published only when its subdomain names this service (headless DNS).
  const hostname =
    pod.spec.hostname && pod.spec.subdomain === service.metadata.name ? pod.spec.hostname : undefined;
  return {
    ip,
    ...(hostname ? { hostname } : {}),
    ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: {
      kind: "Pod",
      namespace: ns,
      name: pod.metadata.name ?? "",
      ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}),
    },
  };
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  const an = a.name ?? "";
  const bn = b.name ?? "";
  if (an !== bn) return an < bn ? -1 : 1;
  return a.port - b.port;
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  const ak = ipSortKey(a.ip);
  const bk = ipSortKey(b.ip);
  if (ak !== bk) return ak < bk ? -1 : 1;
  const an = a.targetRef?.uid ?? "";
  const bn = b.targetRef?.uid ?? "";
  return an < bn ? -1 : an > bn ? 1 : 0;
}

function ipSortKey(ip: string): string {
  return ip
    .split(".")
    .map((o) => o.padStart(3, "0"))
    .join(".");
}

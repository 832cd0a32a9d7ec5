import type { Endpoints, Service } from "@minik8s/api";

export type Protocol = "TCP" | "UDP";

/** One backend of a service port: a ready pod address and the port it listens on. */
export interface Endpoint {
  ip: string;
  port: number;
}

/**
 * One port of one Service, the unit the proxy programs (kube-proxy's ServicePortName): every
 * field the rules depend on, so two equal-looking ServicePorts produce the same rules.
 */
export interface ServicePort {
  /** `namespace/name:portName` (`namespace/name` when the port is unnamed): logs and comments. */
  key: string;
  namespace: string;
  service: string;
  portName: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  /** 0 when the service has no NodePort. */
  nodePort: number;
  externalIPs: string[];
  /** Seconds of ClientIP stickiness; 0 when sessionAffinity is None. */
  affinitySeconds: number;
  /** Ready endpoints, sorted, deduplicated. */
  endpoints: Endpoint[];
}

/** Kubernetes' default sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
export const DEFAULT_AFFINITY_SECONDS = 10800;

/** What the proxy wants the node to do: every proxied service port, by key. */
export type ServiceMap = Map<string, ServicePort>;

/**
 * Whether a Service gets proxy rules: it needs a ClusterIP. Headless services (clusterIP None)
 * and ExternalName services are DNS-only, as in Kubernetes.
 */
export function isProxied(svc: Service): boolean {
  const ip = svc.spec.clusterIP;
  return svc.spec.type !== "ExternalName" && ip !== undefined && ip !== "" && ip !== "None";
}

/**
 * Joins Services with their Endpoints (same namespace/name) into service ports. An Endpoints
 * port is matched to a service port by name, as the endpoints controller names them after the
 * service port; only `addresses` (ready) count, `notReadyAddresses` never receive traffic.
 */
export function buildServiceMap(
  services: Iterable<Service>,
  endpoints: (ns: string, name: string) => Endpoints | undefined,
): ServiceMap {
  const map: ServiceMap = new Map();
  for (const svc of services) {
    if (!isProxied(svc)) continue;
    const namespace = svc.metadata.namespace ?? "default";
    const name = svc.metadata.name ?? "";
    const eps = endpoints(namespace, name);
    for (const sp of svc.spec.ports ?? []) {
      const portName = sp.name ?? "";
      const protocol: Protocol = sp.protocol === "UDP" ? "UDP" : "TCP";
      if (sp.protocol === "SCTP") continue;
      const key = portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
      const affinity =
        svc.spec.sessionAffinity === "ClientIP"
          ? (svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS)
          : 0;
      map.set(key, {
        key,
        namespace,
        service: name,
        portName,
        protocol,
        clusterIP: svc.spec.clusterIP ?? "",
        port: sp.port,
        nodePort: hasNodePorts(svc) ? (sp.nodePort ?? 0) : 0,
        externalIPs: [...(svc.spec.externalIPs ?? [])].sort(),
        affinitySeconds: affinity,
        endpoints: readyEndpoints(eps, portName, protocol),
      });
    }
  }
  return map;
}

function hasNodePorts(svc: Service): boolean {
  return svc.spec.type === "NodePort" || svc.spec.type === "LoadBalancer";
}

function readyEndpoints(eps: Endpoints | undefined, portName: string, protocol: Protocol): Endpoint[] {
  const seen = new Set<string>();
  const out: Endpoint[] = [];
  for (const subset of eps?.subsets ?? []) {
    const port = (subset.ports ?? []).find(
      (p) => (p.name ?? "") === portName && (p.protocol ?? "TCP") === protocol,
    );
    if (!port) continue;
    for (const addr of subset.addresses ?? []) {
      const id = `${addr.ip}:${port.port}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ ip: addr.ip, port: port.port });
    }
  }
  return out.sort((a, b) => endpointString(a).localeCompare(endpointString(b)));
}

export function endpointString(ep: Endpoint): string {
  return `${ep.ip}:${ep.port}`;
}

/** Whether two service ports would be programmed identically. */
export function sameServicePort(a: ServicePort, b: ServicePort): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

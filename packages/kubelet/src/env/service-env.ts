import type { Service } from "@minik8s/api";

/** The services whose variables every pod gets, link or no link: the apiserver's own. */
const MASTER_NAMESPACE = "default";
const MASTER_SERVICES = new Set(["kubernetes"]);

/**
 * The variables Kubernetes injects for services (kubelet getServiceEnvVarMap + envvars.FromServices):
 * for each service with a cluster IP in the pod's namespace (only when `enableServiceLinks`, the
 * default) and for `kubernetes` in `default` (always), `<NAME>_SERVICE_HOST`,
 * `<NAME>_SERVICE_PORT`, `<NAME>_SERVICE_PORT_<PORTNAME>` per named port, and Docker's link
 * variables `<NAME>_PORT`, `<NAME>_PORT_<port>_<PROTO>{,_PROTO,_PORT,_ADDR}`.
 */
export function serviceEnv(
  services: readonly Service[],
  namespace: string,
  enableServiceLinks: boolean,
): Record<string, string> {
  const chosen = new Map<string, Service>();
  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    const name = svc.metadata.name ?? "";
    const ns = svc.metadata.namespace ?? "default";
    if (ns === MASTER_NAMESPACE && MASTER_SERVICES.has(name)) {
      if (!chosen.has(name)) chosen.set(name, svc);
    } else if (ns === namespace && enableServiceLinks) {
      chosen.set(name, svc);
    }
  }
  const env: Record<string, string> = {};
  for (const svc of chosen.values()) Object.assign(env, variablesOf(svc));
  return env;
}

function variablesOf(svc: Service): Record<string, string> {
  const ip = svc.spec.clusterIP ?? "";
  const ports = svc.spec.ports ?? [];
  const prefix = envName(svc.metadata.name ?? "");
  const env: Record<string, string> = { [`${prefix}_SERVICE_HOST`]: ip };
  if (ports.length === 0) return env;
  env[`${prefix}_SERVICE_PORT`] = String(ports[0]!.port);
  for (const p of ports) if (p.name) env[`${prefix}_SERVICE_PORT_${envName(p.name)}`] = String(p.port);
  ports.forEach((p, i) => {
    const proto = (p.protocol ?? "TCP").toLowerCase();
    const url = `${proto}://${hostPort(ip, p.port)}`;
    if (i === 0) env[`${prefix}_PORT`] = url;
    const portPrefix = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    env[portPrefix] = url;
    env[`${portPrefix}_PROTO`] = proto;
    env[`${portPrefix}_PORT`] = String(p.port);
    env[`${portPrefix}_ADDR`] = ip;
  });
  return env;
}

/** Headless ("None") and ExternalName (no IP) services get no variables. */
function hasClusterIP(svc: Service): boolean {
  const ip = svc.spec.clusterIP;
  return ip !== undefined && ip !== "" && ip !== "None";
}

function envName(name: string): string {
  return name.toUpperCase().replaceAll("-", "_");
}

/** Go's net.JoinHostPort: IPv6 addresses in brackets. */
function hostPort(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

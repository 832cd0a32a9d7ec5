import type { Endpoints, Service } from "@minik8s/api";
import type { Answer } from "dns-packet";

/** Seconds a cluster answer may be cached (CoreDNS' kubernetes plugin default). */
export const CLUSTER_TTL = 5;

export interface DnsSource {
  service(namespace: string, name: string): Service | undefined;
  endpoints(namespace: string, name: string): Endpoints | undefined;
}

export type Lookup =
  /** The name is outside the cluster domain: ask the host's resolvers. */
  | { kind: "forward" }
  /** NOERROR (answers may be empty: the name exists but has no record of that type) or NXDOMAIN. */
  | { kind: "answer"; rcode: "NOERROR" | "NXDOMAIN"; answers: Answer[]; additionals: Answer[] };

const nx = (): Lookup => ({ kind: "answer", rcode: "NXDOMAIN", answers: [], additionals: [] });
const ok = (answers: Answer[], additionals: Answer[] = []): Lookup => ({
  kind: "answer",
  rcode: "NOERROR",
  answers,
  additionals,
});

/**
 * The cluster's DNS schema (Kubernetes' DNS spec, as CoreDNS' kubernetes plugin serves it):
 *   <svc>.<ns>.svc.<domain>                A: the ClusterIP; headless: every ready address;
 *                                          ExternalName: a CNAME to spec.externalName
 *   <hostname>.<svc>.<ns>.svc.<domain>     A: the ready address with that hostname (headless)
 *   _<port>._<proto>.<svc>.<ns>.svc.<domain>  SRV for a named port
 *   <a-b-c-d>.<ns>.pod.<domain>            A: a.b.c.d
 * Anything else in the domain is NXDOMAIN. Names are case-insensitive.
 */
export function lookup(source: DnsSource, qname: string, qtype: string, domain: string): Lookup {
  const name = qname.toLowerCase().replace(/\.$/, "");
  const suffix = `.${domain}`;
  if (name !== domain && !name.endsWith(suffix)) return { kind: "forward" };
  const labels = name === domain ? [] : name.slice(0, -suffix.length).split(".");
  const kind = labels[labels.length - 1];
  if (kind === "pod" && labels.length === 3) return podRecord(qname, labels[0] ?? "", qtype);
  if (kind !== "svc") return nx();
  const ns = labels[labels.length - 2] ?? "";
  const svcName = labels[labels.length - 3] ?? "";
  if (!ns || !svcName) return nx();
  const svc = source.service(ns, svcName);
  if (!svc) return nx();
  const base = `${svcName}.${ns}.svc.${domain}`;
  const headless = svc.spec.clusterIP === "None";
  const eps = source.endpoints(ns, svcName);

  if (labels.length === 3) {
    if (svc.spec.type === "ExternalName" && svc.spec.externalName) {
      return ok([{ name: qname, type: "CNAME", ttl: CLUSTER_TTL, data: svc.spec.externalName }]);
    }
    if (qtype !== "A" && qtype !== "ANY") return ok([]);
    if (!headless) return ok(svc.spec.clusterIP ? [a(qname, svc.spec.clusterIP)] : []);
    return ok(readyAddresses(eps).map((addr) => a(qname, addr.ip)));
  }
  if (labels.length === 4) {
    const host = labels[0];
    const addr = readyAddresses(eps).find((x) => x.hostname === host || dashed(x.ip) === host);
    if (!addr || !headless) return nx();
    return qtype === "A" || qtype === "ANY" ? ok([a(qname, addr.ip)]) : ok([]);
  }
  if (labels.length === 5) {
    const [port, proto] = labels;
    if (!port?.startsWith("_") || !proto?.startsWith("_")) return nx();
    const sp = (svc.spec.ports ?? []).find(
      (p) =>
        p.name?.toLowerCase() === port.slice(1) && (p.protocol ?? "TCP").toLowerCase() === proto.slice(1),
    );
    if (!sp) return nx();
    if (qtype !== "SRV" && qtype !== "ANY") return ok([]);
    if (!headless) {
      return ok([srv(qname, sp.port, base)], svc.spec.clusterIP ? [a(base, svc.spec.clusterIP)] : []);
    }
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    for (const subset of eps?.subsets ?? []) {
      const epPort = subset.ports?.find((p) => p.name === sp.name);
      if (!epPort) continue;
      for (const addr of subset.addresses ?? []) {
        const target = `${addr.hostname ?? dashed(addr.ip)}.${base}`;
        answers.push(srv(qname, epPort.port, target));
        additionals.push(a(target, addr.ip));
      }
    }
    return ok(answers, additionals);
  }
  return nx();
}

function podRecord(qname: string, label: string, qtype: string): Lookup {
  const ip = label.split("-");
  if (ip.length !== 4 || !ip.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return nx();
  return qtype === "A" || qtype === "ANY" ? ok([a(qname, ip.join("."))]) : ok([]);
}

function readyAddresses(eps: Endpoints | undefined): { ip: string; hostname?: string }[] {
  const seen = new Set<string>();
  const out: { ip: string; hostname?: string }[] = [];
  for (const subset of eps?.subsets ?? []) {
    for (const addr of subset.addresses ?? []) {
      if (seen.has(addr.ip)) continue;
      seen.add(addr.ip);
      out.push(addr);
    }
  }
  return out;
}

const dashed = (ip: string) => ip.replaceAll(".", "-");

function a(name: string, ip: string): Answer {
  return { name, type: "A", ttl: CLUSTER_TTL, data: ip };
}

function srv(name: string, port: number, target: string): Answer {
  return { name, type: "SRV", ttl: CLUSTER_TTL, data: { priority: 0, weight: 100, port, target } };
}

import type { Pod } from "@minik8s/api";
import { CLUSTER_DOMAIN, clusterFirstSearch } from "@minik8s/api";

/** A resolv.conf's content, as the runtime writes it into a pod's sandbox (CRI's DNSConfig). */
export interface DnsConfig {
  nameservers: string[];
  searches: string[];
  /** `ndots:5`, `edns0` ... */
  options: string[];
}

export interface DnsContext {
  /** The cluster DNS server (the node's pod gateway); undefined when the node has no pod network. */
  clusterDNS?: string | undefined;
  clusterDomain?: string;
  /** The host's resolver settings (`/etc/resolv.conf`). */
  host: DnsConfig;
}

/** resolv.conf's limits, as the kubelet enforces them (glibc reads at most 3 nameservers). */
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;

/**
 * The resolver settings of one pod (Kubernetes' pkg/kubelet/network/dns GetPodDNS):
 * - ClusterFirst: the cluster DNS server, the pod's namespace search path before the host's,
 *   `ndots:5`. Without a cluster DNS server it falls back to Default, as Kubernetes does.
 * - Default: the host's resolv.conf. hostNetwork pods with ClusterFirst get this too;
 *   ClusterFirstWithHostNet gives them the cluster's.
 * - None: only `spec.dnsConfig`.
 * `spec.dnsConfig` is then merged in: its nameservers and searches appended (duplicates
 * dropped), its options override the same-named ones.
 * Undefined means "the runtime's default", which is the host's resolv.conf for a pod with
 * nothing to add: Docker knows better than we how to reach a host resolver on loopback.
 */
export function podDnsConfig(pod: Pod, ctx: DnsContext): DnsConfig | undefined {
  let policy = pod.spec.dnsPolicy ?? "ClusterFirst";
  if (policy === "ClusterFirst" && pod.spec.hostNetwork) policy = "Default";
  if (policy === "ClusterFirstWithHostNet") policy = "ClusterFirst";
  if (policy === "ClusterFirst" && !ctx.clusterDNS) policy = "Default";

  let base: DnsConfig | undefined;
  switch (policy) {
    case "ClusterFirst":
      base = {
        nameservers: [ctx.clusterDNS ?? ""],
        searches: [
          ...clusterFirstSearch(pod.metadata.namespace ?? "default", ctx.clusterDomain ?? CLUSTER_DOMAIN),
          ...ctx.host.searches,
        ],
        options: ["ndots:5"],
      };
      break;
    case "None":
      base = { nameservers: [], searches: [], options: [] };
      break;
    default:
      if (!pod.spec.dnsConfig) return undefined;
      base = {
        nameservers: [...ctx.host.nameservers],
        searches: [...ctx.host.searches],
        options: [...ctx.host.options],
      };
  }
  const extra = pod.spec.dnsConfig;
  const merged: DnsConfig = {
    nameservers: unique([...base.nameservers, ...(extra?.nameservers ?? [])]).slice(0, MAX_NAMESERVERS),
    searches: unique([...base.searches, ...(extra?.searches ?? [])]).slice(0, MAX_SEARCHES),
    options: mergeOptions(
      base.options,
      (extra?.options ?? []).map((o) => (o.value !== undefined ? `${o.name}:${o.value}` : `${o.name ?? ""}`)),
    ),
  };
  return merged;
}

/** Reads resolv.conf text: nameserver, search (the last one wins, as in libc), domain, options. */
export function parseResolvConf(text: string): DnsConfig {
  const out: DnsConfig = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split("\n")) {
    const line = raw.replace(/[#;].*$/, "").trim();
    if (!line) continue;
    const [key, ...fields] = line.split(/\s+/);
    if (key === "nameserver" && fields[0]) out.nameservers.push(fields[0]);
    else if (key === "search" || key === "domain") out.searches = fields;
    else if (key === "options") out.options = mergeOptions(out.options, fields);
  }
  return out;
}

/** The file a sandbox gets. */
export function formatResolvConf(dns: DnsConfig): string {
  const lines = dns.nameservers.map((n) => `nameserver ${n}`);
  if (dns.searches.length > 0) lines.push(`search ${dns.searches.join(" ")}`);
  if (dns.options.length > 0) lines.push(`options ${dns.options.join(" ")}`);
  return `${lines.join("\n")}\n`;
}

/** Options by name, later ones replacing earlier ones of the same name, order of first sight kept. */
function mergeOptions(base: string[], extra: string[]): string[] {
  const byName = new Map<string, string>();
  for (const o of [...base, ...extra]) {
    if (!o) continue;
    byName.set(o.split(":")[0] ?? o, o);
  }
  return [...byName.values()];
}

function unique(items: string[]): string[] {
  return [...new Set(items.filter(Boolean))];
}

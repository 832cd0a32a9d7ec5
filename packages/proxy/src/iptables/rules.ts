import type { ServicePort } from "../service-map.js";
import { endpointChain, serviceChain } from "./chain-names.js";

/** kube-proxy's mark for "masquerade this packet on the way out" (--iptables-masquerade-bit 14). */
export const MASQ_MARK = "0x4000";

export type Table = "nat" | "filter";

/** The fixed chains of each table; per-service chains come and go beside them. */
export const NAT_CHAINS = ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-MARK-MASQ", "KUBE-POSTROUTING"] as const;
export const FILTER_CHAINS = [
  "KUBE-SERVICES",
  "KUBE-EXTERNAL-SERVICES",
  "KUBE-FORWARD",
  "KUBE-FIREWALL",
] as const;

/** Prefixes of chains that only this proxy makes (for cleanup and stale-chain removal). */
export const OWNED_PREFIXES = ["KUBE-SVC-", "KUBE-SEP-", "KUBE-PORTALS-"];

/** A jump from a built-in chain into ours, inserted first so Docker's rules do not see the packet before us. */
export interface Jump {
  table: Table;
  chain: string;
  args: string[];
}

export const JUMPS: Jump[] = [
  { table: "nat", chain: "PREROUTING", args: comment("kubernetes service portals", ["-j", "KUBE-SERVICES"]) },
  { table: "nat", chain: "OUTPUT", args: comment("kubernetes service portals", ["-j", "KUBE-SERVICES"]) },
  {
    table: "nat",
    chain: "POSTROUTING",
    args: comment("kubernetes postrouting rules", ["-j", "KUBE-POSTROUTING"]),
  },
  {
    table: "filter",
    chain: "INPUT",
    args: newConn("kubernetes externally-visible service portals", "KUBE-EXTERNAL-SERVICES"),
  },
  {
    table: "filter",
    chain: "FORWARD",
    args: newConn("kubernetes externally-visible service portals", "KUBE-EXTERNAL-SERVICES"),
  },
  { table: "filter", chain: "FORWARD", args: newConn("kubernetes service portals", "KUBE-SERVICES") },
  { table: "filter", chain: "OUTPUT", args: newConn("kubernetes service portals", "KUBE-SERVICES") },
  { table: "filter", chain: "FORWARD", args: comment("kubernetes forwarding rules", ["-j", "KUBE-FORWARD"]) },
  { table: "filter", chain: "INPUT", args: comment("kubernetes firewall", ["-j", "KUBE-FIREWALL"]) },
];

/** The userspace mode's jumps: ClusterIP traffic REDIRECTed to the proxy's own listeners. */
export const USERSPACE_JUMPS: Jump[] = [
  {
    table: "nat",
    chain: "PREROUTING",
    args: comment("handle ClusterIPs; NOTE: this must be before the NodePort rules", [
      "-j",
      "KUBE-PORTALS-CONTAINER",
    ]),
  },
  {
    table: "nat",
    chain: "OUTPUT",
    args: comment("handle ClusterIPs; NOTE: this must be before the NodePort rules", [
      "-j",
      "KUBE-PORTALS-HOST",
    ]),
  },
];

function comment(text: string, rest: string[]): string[] {
  return ["-m", "comment", "--comment", text, ...rest];
}

function newConn(text: string, target: string): string[] {
  return ["-m", "conntrack", "--ctstate", "NEW", ...comment(text, ["-j", target])];
}

/** What one service port adds to the tables. */
export interface ServicePortRules {
  /** Rules appended to nat KUBE-SERVICES. */
  services: string[];
  /** Rules appended to nat KUBE-NODEPORTS. */
  nodePorts: string[];
  /** Rules appended to filter KUBE-SERVICES (no endpoints: REJECT). */
  filterServices: string[];
  /** Rules appended to filter KUBE-EXTERNAL-SERVICES (NodePort with no endpoints: REJECT). */
  filterExternal: string[];
  /** Its own nat chains (KUBE-SVC-*, KUBE-SEP-*) with their rules. */
  chains: Map<string, string[]>;
}

export interface RuleOptions {
  /** Pod traffic comes from here; traffic to a ClusterIP from anywhere else is masqueraded. Undefined: masquerade all. */
  clusterCIDR: string | undefined;
}

const quote = (s: string) => `"${s.replace(/"/g, "")}"`;

/**
 * The rules of one service port, in kube-proxy's layout:
 *   KUBE-SERVICES -d <clusterIP> --dport <port> -> KUBE-SVC-X
 *   KUBE-SVC-X: mark off-cluster sources for masquerade, then pick an endpoint with
 *     `-m statistic --mode random --probability 1/n, 1/(n-1), ...` (after `-m recent` checks
 *     for ClientIP affinity) -> KUBE-SEP-Y
 *   KUBE-SEP-Y: mark hairpin traffic (the endpoint talking to itself), DNAT to ip:port.
 *   KUBE-NODEPORTS --dport <nodePort>: mark for masquerade (the reply must come back through
 *     this node) -> KUBE-SVC-X.
 * A service port without ready endpoints gets REJECT rules in the filter table instead, so
 * clients see "connection refused" at once rather than a timeout.
 */
export function servicePortRules(sp: ServicePort, opts: RuleOptions): ServicePortRules {
  const proto = sp.protocol.toLowerCase();
  const svcChain = serviceChain(sp);
  const out: ServicePortRules = {
    services: [],
    nodePorts: [],
    filterServices: [],
    filterExternal: [],
    chains: new Map(),
  };
  const match = (dport: number) => `-p ${proto} -m ${proto} --dport ${dport}`;
  const destinations = [
    { ip: sp.clusterIP, what: "cluster IP" },
    ...sp.externalIPs.map((ip) => ({ ip, what: "external IP" })),
  ];

  if (sp.endpoints.length === 0) {
    for (const d of destinations) {
      out.filterServices.push(
        `-A KUBE-SERVICES -d ${d.ip}/32 ${match(sp.port)} -m comment --comment ${quote(`${sp.key} has no endpoints`)} -j REJECT --reject-with icmp-port-unreachable`,
      );
    }
    if (sp.nodePort > 0) {
      out.filterExternal.push(
        `-A KUBE-EXTERNAL-SERVICES -m addrtype --dst-type LOCAL ${match(sp.nodePort)} -m comment --comment ${quote(`${sp.key} has no endpoints`)} -j REJECT --reject-with icmp-port-unreachable`,
      );
    }
    return out;
  }

  for (const d of destinations) {
    out.services.push(
      `-A KUBE-SERVICES -d ${d.ip}/32 ${match(sp.port)} -m comment --comment ${quote(`${sp.key} ${d.what}`)} -j ${svcChain}`,
    );
  }
  if (sp.nodePort > 0) {
    const c = `-m comment --comment ${quote(sp.key)}`;
    out.nodePorts.push(`-A KUBE-NODEPORTS ${match(sp.nodePort)} ${c} -j KUBE-MARK-MASQ`);
    out.nodePorts.push(`-A KUBE-NODEPORTS ${match(sp.nodePort)} ${c} -j ${svcChain}`);
  }

  const svcRules: string[] = [];
  const masqSource = opts.clusterCIDR ? `! -s ${opts.clusterCIDR} ` : "";
  svcRules.push(
    `-A ${svcChain} ${masqSource}-d ${sp.clusterIP}/32 ${match(sp.port)} -m comment --comment ${quote(`${sp.key} cluster IP`)} -j KUBE-MARK-MASQ`,
  );
  const seps = sp.endpoints.map((ep) => ({ ep, chain: endpointChain(sp, ep) }));
  if (sp.affinitySeconds > 0) {
    for (const { ep, chain } of seps) {
      svcRules.push(
        `-A ${svcChain} -m comment --comment ${quote(`${sp.key} -> ${ep.ip}:${ep.port}`)} -m recent --name ${chain} --mask 255.255.255.255 --rsource --rcheck --seconds ${sp.affinitySeconds} --reap -j ${chain}`,
      );
    }
  }
  const n = seps.length;
  seps.forEach(({ ep, chain }, i) => {
    const c = `-m comment --comment ${quote(`${sp.key} -> ${ep.ip}:${ep.port}`)}`;
    // Endpoint i of n is taken with probability 1/(n-i) among those not yet passed over, so
    // each ends up with 1/n overall; the last one takes whatever is left.
    const pick = i < n - 1 ? ` -m statistic --mode random --probability ${probability(n - i)}` : "";
    svcRules.push(`-A ${svcChain} ${c}${pick} -j ${chain}`);
  });
  out.chains.set(svcChain, svcRules);

  for (const { ep, chain } of seps) {
    const c = `-m comment --comment ${quote(sp.key)}`;
    const recent =
      sp.affinitySeconds > 0 ? ` -m recent --name ${chain} --mask 255.255.255.255 --rsource --set` : "";
    out.chains.set(chain, [
      `-A ${chain} -s ${ep.ip}/32 ${c} -j KUBE-MARK-MASQ`,
      `-A ${chain} -p ${proto} ${c}${recent} -m ${proto} -j DNAT --to-destination ${ep.ip}:${ep.port}`,
    ]);
  }
  return out;
}

/** 1/n as iptables-save prints it (ten decimals), so generated and saved rules compare equal. */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

/** The fixed chains' own rules (the ones that do not depend on services). */
export function fixedRules(): { nat: Map<string, string[]>; filter: Map<string, string[]> } {
  return {
    nat: new Map([
      ["KUBE-MARK-MASQ", [`-A KUBE-MARK-MASQ -j MARK --or-mark ${MASQ_MARK}`]],
      [
        "KUBE-POSTROUTING",
        [
          `-A KUBE-POSTROUTING -m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`,
          // Clear the mark so a packet that is re-routed (e.g. through a tunnel) is not masqueraded twice.
          `-A KUBE-POSTROUTING -j MARK --xor-mark ${MASQ_MARK}`,
          `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE`,
        ],
      ],
    ]),
    filter: new Map([
      [
        "KUBE-FORWARD",
        [
          `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${MASQ_MARK}/${MASQ_MARK} -j ACCEPT`,
          `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
        ],
      ],
      [
        "KUBE-FIREWALL",
        [
          // route_localnet=1 lets 127.0.0.1:<nodePort> be DNATed; without this rule it would also
          // let other hosts reach services bound to localhost (CVE-2020-8558).
          `-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`,
        ],
      ],
    ]),
  };
}

/** The rule that sends local-destination traffic to KUBE-NODEPORTS; it must stay last in KUBE-SERVICES. */
export const NODEPORTS_JUMP =
  '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS';

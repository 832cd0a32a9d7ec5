import type { RunCommand } from "./exec-command.js";

/** The comment on every rule minik8s adds, so `iptables -S | grep minik8s` finds them all. */
export const FIREWALL_COMMENT = "minik8s pod network";

interface Rule {
  table: "filter" | "nat";
  chain: string;
  spec: string[];
}

/**
 * The host's rules the pod network needs, for cluster CIDR `cidr`:
 * - filter DOCKER-USER: ACCEPT from and to the cluster CIDR. Docker drops traffic between two
 *   bridge networks (DOCKER-ISOLATION-*) and new connections into a bridge from elsewhere
 *   (FORWARD policy DROP); DOCKER-USER is the chain Docker leaves to its users and evaluates first.
 * - nat POSTROUTING: MASQUERADE what pods send outside the cluster CIDR. The pod networks are
 *   created without Docker's own masquerading, which would also hide a pod's IP from pods on
 *   another node's bridge; pod to pod keeps its source address, as Kubernetes requires.
 */
export function firewallRules(cidr: string): Rule[] {
  const comment = ["-m", "comment", "--comment", FIREWALL_COMMENT];
  return [
    { table: "filter", chain: "DOCKER-USER", spec: ["-s", cidr, ...comment, "-j", "ACCEPT"] },
    { table: "filter", chain: "DOCKER-USER", spec: ["-d", cidr, ...comment, "-j", "ACCEPT"] },
    {
      table: "nat",
      chain: "POSTROUTING",
      spec: ["-s", cidr, "!", "-d", cidr, ...comment, "-j", "MASQUERADE"],
    },
  ];
}

/** One change of the rules at a time in this process: two kubelets' check-then-add must not interleave. */
let serial: Promise<unknown> = Promise.resolve();
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const next = serial.then(fn, fn);
  serial = next.catch(() => undefined);
  return next;
}

/** Adds the rules that are missing (checked with `-C` first, so running it twice adds nothing). */
export function ensureClusterFirewall(cidr: string, run: RunCommand): Promise<Error | undefined> {
  return serialized(() => addMissing(cidr, run));
}

async function addMissing(cidr: string, run: RunCommand): Promise<Error | undefined> {
  for (const rule of firewallRules(cidr)) {
    const base = ["-w", "5", "-t", rule.table];
    const check = await run("iptables", [...base, "-C", rule.chain, ...rule.spec]);
    if (check.code === 0) continue;
    // DOCKER-USER ends in Docker's RETURN: insert before it. POSTROUTING: after Docker's own rules.
    const add =
      rule.chain === "DOCKER-USER"
        ? await run("iptables", [...base, "-I", rule.chain, "1", ...rule.spec])
        : await run("iptables", [...base, "-A", rule.chain, ...rule.spec]);
    if (add.code !== 0) {
      return new Error(
        `iptables -t ${rule.table} ${rule.chain} ${rule.spec.join(" ")}: ${add.stderr.trim()}`,
      );
    }
  }
  return undefined;
}

/** Removes every copy of the rules; absent rules are no error. */
export function removeClusterFirewall(cidr: string, run: RunCommand): Promise<Error | undefined> {
  return serialized(() => removeAll(cidr, run));
}

async function removeAll(cidr: string, run: RunCommand): Promise<Error | undefined> {
  for (const rule of firewallRules(cidr)) {
    const base = ["-w", "5", "-t", rule.table];
    for (let i = 0; i < 10; i++) {
      if ((await run("iptables", [...base, "-C", rule.chain, ...rule.spec])).code !== 0) break;
      const del = await run("iptables", [...base, "-D", rule.chain, ...rule.spec]);
      if (del.code !== 0) return new Error(`iptables -D ${rule.chain}: ${del.stderr.trim()}`);
    }
  }
  return undefined;
}

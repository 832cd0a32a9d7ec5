import { type Logger, silentLogger } from "@minik8s/client";
import type { TrackedChanges } from "../change-tracker.js";
import type { Proxier } from "../proxier.js";
import { type Iptables, savedChains } from "./iptables.js";
import {
  FILTER_CHAINS,
  fixedRules,
  JUMPS,
  NAT_CHAINS,
  NODEPORTS_JUMP,
  OWNED_PREFIXES,
  type RuleOptions,
  type ServicePortRules,
  servicePortRules,
  type Table,
  USERSPACE_JUMPS,
} from "./rules.js";

export interface IptablesProxierOptions extends RuleOptions {
  iptables: Iptables;
  logger?: Logger;
}

type Chains = Map<string, string[]>;

/** Whether a chain is one this proxy creates (so it may flush and delete it). */
export function isOwnedChain(table: Table, chain: string): boolean {
  const fixed: readonly string[] = table === "nat" ? NAT_CHAINS : FILTER_CHAINS;
  return fixed.includes(chain) || OWNED_PREFIXES.some((p) => chain.startsWith(p));
}

/**
 * The iptables mode. Each service port's rules are generated once per change and cached; a sync
 * assembles the chains and hands iptables-restore (--noflush, one transaction per table) only
 * the chains whose rules differ from what it last wrote, plus deletions. The first sync, and any
 * sync after a failure, rewrites every chain of ours and deletes stale ones left by an earlier
 * run, so the kernel's state converges even if someone edited it.
 */
export class IptablesProxier implements Proxier {
  readonly mode = "iptables" as const;
  private readonly iptables: Iptables;
  private readonly log: Logger;
  private readonly fragments = new Map<string, ServicePortRules>();
  private readonly written: Record<Table, Map<string, string>> = { nat: new Map(), filter: new Map() };
  private needFull = true;
  /** Rules lines handed to iptables-restore by the last sync (for logs and benchmarks). */
  lastRestoreLines = 0;

  constructor(private readonly opts: IptablesProxierOptions) {
    this.iptables = opts.iptables;
    this.log = opts.logger ?? silentLogger;
  }

  /** Regenerates every cached fragment and rewrites all chains on the next sync. */
  requestFullSync(): void {
    this.needFull = true;
  }

  async sync(changes: TrackedChanges): Promise<void> {
    for (const key of changes.changed) {
      const sp = changes.map.get(key);
      if (sp) this.fragments.set(key, servicePortRules(sp, this.opts));
      else this.fragments.delete(key);
    }
    const desired = this.assemble();
    const full = this.needFull;
    try {
      if (full) {
        // A userspace-mode run may have left its portal jumps; its chains go with the stale ones below.
        for (const jump of USERSPACE_JUMPS) await this.iptables.deleteJump(jump);
      }
      const existing: Record<Table, string[]> = full
        ? {
            nat: savedChains(await this.iptables.save("nat")),
            filter: savedChains(await this.iptables.save("filter")),
          }
        : { nat: [], filter: [] };
      const parts: string[] = [];
      let lines = 0;
      for (const table of ["nat", "filter"] as const) {
        const { text, count } = this.tableDiff(table, desired[table], full, existing[table]);
        if (text) parts.push(text);
        lines += count;
      }
      this.lastRestoreLines = lines;
      if (parts.length > 0) await this.iptables.restore(parts.join(""));
      // After the restore: a jump can only name a chain that exists.
      if (full) for (const jump of JUMPS) await this.iptables.ensureJump(jump);
      for (const table of ["nat", "filter"] as const) {
        this.written[table] = new Map([...desired[table]].map(([c, r]) => [c, r.join("\n")]));
      }
      this.needFull = false;
      this.log.debug(
        { servicePorts: changes.map.size, changed: changes.changed.size, full, lines },
        "iptables rules synced",
      );
    } catch (err) {
      this.needFull = true;
      throw err;
    }
  }

  async stop(): Promise<void> {}

  private assemble(): Record<Table, Chains> {
    const fixed = fixedRules();
    const keys = [...this.fragments.keys()].sort();
    const natServices: string[] = [];
    const nodePorts: string[] = [];
    const filterServices: string[] = [];
    const filterExternal: string[] = [];
    const nat: Chains = new Map();
    for (const key of keys) {
      const f = this.fragments.get(key);
      if (!f) continue;
      natServices.push(...f.services);
      nodePorts.push(...f.nodePorts);
      filterServices.push(...f.filterServices);
      filterExternal.push(...f.filterExternal);
      for (const [chain, rules] of f.chains) nat.set(chain, rules);
    }
    natServices.push(NODEPORTS_JUMP);
    nat.set("KUBE-SERVICES", natServices);
    nat.set("KUBE-NODEPORTS", nodePorts);
    for (const [c, r] of fixed.nat) nat.set(c, r);
    const filter: Chains = new Map([
      ["KUBE-SERVICES", filterServices],
      ["KUBE-EXTERNAL-SERVICES", filterExternal],
      ...fixed.filter,
    ]);
    return { nat, filter };
  }

  /**
   * One table's part of the iptables-restore input. Declaring a chain (`:NAME - [0:0]`) with
   * --noflush creates it or empties it, so a changed chain is declared and refilled; a chain to
   * remove is declared (emptied) and then deleted with -X, after every rule that jumped to it has
   * been rewritten in the same transaction.
   */
  private tableDiff(
    table: Table,
    desired: Chains,
    full: boolean,
    existing: string[],
  ): { text: string; count: number } {
    const before = this.written[table];
    const declare: string[] = [];
    const rules: string[] = [];
    const remove: string[] = [];
    for (const [chain, chainRules] of desired) {
      if (!full && before.get(chain) === chainRules.join("\n")) continue;
      declare.push(`:${chain} - [0:0]`);
      rules.push(...chainRules);
    }
    const gone = full
      ? existing.filter((c) => isOwnedChain(table, c) && !desired.has(c))
      : [...before.keys()].filter((c) => !desired.has(c));
    for (const chain of gone) {
      declare.push(`:${chain} - [0:0]`);
      remove.push(`-X ${chain}`);
    }
    if (declare.length === 0) return { text: "", count: 0 };
    const lines = [`*${table}`, ...declare, ...rules, ...remove, "COMMIT", ""];
    return { text: lines.join("\n"), count: lines.length };
  }
}

/**
 * `minik8s proxy --cleanup`: removes our jumps from the built-in chains, then empties and deletes
 * every chain of ours, leaving everything else (Docker's chains, other tools') untouched.
 */
export async function cleanupIptables(iptables: Iptables): Promise<string[]> {
  for (const jump of [...JUMPS, ...USERSPACE_JUMPS]) await iptables.deleteJump(jump);
  const removed: string[] = [];
  let input = "";
  for (const table of ["nat", "filter"] as const) {
    const ours = savedChains(await iptables.save(table)).filter((c) => isOwnedChain(table, c));
    if (ours.length === 0) continue;
    input += [
      `*${table}`,
      ...ours.map((c) => `:${c} - [0:0]`),
      ...ours.map((c) => `-X ${c}`),
      "COMMIT",
      "",
    ].join("\n");
    removed.push(...ours.map((c) => `${table}/${c}`));
  }
  if (input) await iptables.restore(input);
  return removed;
}

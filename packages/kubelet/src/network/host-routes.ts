import { networkInterfaces } from "node:os";
import { type KindInfo, kindForApiVersion, type Node } from "@minik8s/api";
import { type Client, Informer, type Logger, silentLogger } from "@minik8s/client";
import { type RunCommand, runCommand } from "./exec-command.js";

const NODES = kindForApiVersion("v1", "Node") as KindInfo;

/** The routing protocol number our routes carry (`ip route ... proto 77`), so we find ours again. */
export const ROUTE_PROTO = "77";

/**
 * The routes this host needs to reach other nodes' pods (host-gw, as flannel's backend of that
 * name): each other node's pod CIDR via its InternalIP. A node whose InternalIP is one of this
 * host's own addresses is left out: its pods sit on a bridge of this very host (several
 * kubelets on one machine share one routing table), and the kernel routes there already.
 */
export function desiredRoutes(
  nodes: readonly Node[],
  self: string,
  local: ReadonlySet<string>,
): Map<string, string> {
  const routes = new Map<string, string>();
  for (const node of nodes) {
    const name = node.metadata.name ?? "";
    const cidr = node.spec?.podCIDR;
    const ip = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
    if (name === self || !cidr || !ip || local.has(ip) || node.metadata.deletionTimestamp) continue;
    routes.set(cidr, ip);
  }
  return routes;
}

export function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address);
  return out;
}

export interface HostRoutesOptions {
  client: Client;
  nodeName: string;
  run?: RunCommand;
  local?: () => ReadonlySet<string>;
  logger?: Logger;
}

/**
 * Keeps this host's routes to the other nodes' pod CIDRs in step with the Nodes: a route per
 * node (`ip route replace <podCIDR> via <InternalIP> proto 77`), removed when the node goes or
 * moves. Level-triggered: every change to any Node recomputes the whole set and compares it
 * with the routes of protocol 77 the kernel holds, so a restart picks up what an earlier one left.
 */
export class HostRoutes {
  private readonly nodes: Informer<Node>;
  private readonly run: RunCommand;
  private readonly log: Logger;
  private syncing: Promise<void> = Promise.resolve();
  private again = false;

  constructor(private readonly o: HostRoutesOptions) {
    this.run = o.run ?? runCommand;
    this.log = o.logger ?? silentLogger;
    this.nodes = new Informer<Node>(o.client, { resource: NODES, logger: this.log });
    const poke = () => this.poke();
    this.nodes.addEventHandler({ onAdd: poke, onUpdate: poke, onDelete: poke });
  }

  async start(): Promise<void> {
    this.nodes.start();
    await this.nodes.waitForSync();
    this.poke();
    await this.syncing;
  }

  async stop(opts: { removeRoutes?: boolean } = {}): Promise<void> {
    await this.nodes.stop();
    await this.syncing;
    if (opts.removeRoutes) await this.apply(new Map());
  }

  /** Resolves once the routes match the Nodes the informer has seen. */
  idle(): Promise<void> {
    return this.syncing;
  }

  private poke(): void {
    if (this.again) return;
    this.again = true;
    this.syncing = this.syncing.then(async () => {
      this.again = false;
      const local = this.o.local?.() ?? localAddresses();
      await this.apply(desiredRoutes(this.nodes.list(), this.o.nodeName, local));
    });
  }

  private async apply(want: Map<string, string>): Promise<void> {
    const have = await this.installed();
    for (const [cidr, via] of want) {
      if (have.get(cidr) === via) continue;
      const r = await this.run("ip", ["route", "replace", cidr, "via", via, "proto", ROUTE_PROTO]);
      if (r.code === 0) this.log.info({ podCIDR: cidr, via }, "route to node's pods installed");
      else this.log.warn({ podCIDR: cidr, via, err: r.stderr.trim() }, "cannot install route to node's pods");
    }
    for (const [cidr, via] of have) {
      if (want.has(cidr)) continue;
      const r = await this.run("ip", ["route", "del", cidr, "proto", ROUTE_PROTO]);
      if (r.code === 0) this.log.info({ podCIDR: cidr, via }, "route to a node that is gone removed");
      else this.log.warn({ podCIDR: cidr, err: r.stderr.trim() }, "cannot remove route");
    }
  }

  /** podCIDR -> gateway of the routes we installed (protocol 77). */
  private async installed(): Promise<Map<string, string>> {
    const r = await this.run("ip", ["-4", "route", "show", "proto", ROUTE_PROTO]);
    const out = new Map<string, string>();
    if (r.code !== 0) return out;
    for (const line of r.stdout.split("\n")) {
      const m = /^(\S+)\s+via\s+(\S+)/.exec(line.trim());
      if (m?.[1] && m[2]) out.set(m[1], m[2]);
    }
    return out;
  }
}

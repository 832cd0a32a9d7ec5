import { type Logger, silentLogger } from "@minik8s/client";
import type { TrackedChanges } from "../change-tracker.js";
import type { Iptables } from "../iptables/iptables.js";
import { cleanupIptables } from "../iptables/iptables-proxier.js";
import { USERSPACE_JUMPS } from "../iptables/rules.js";
import type { Proxier } from "../proxier.js";
import type { ServicePort } from "../service-map.js";
import { RoundRobin } from "./load-balancer.js";
import { TcpProxy } from "./tcp-proxy.js";
import { UdpProxy } from "./udp-proxy.js";

export interface UserspaceProxierOptions {
  /** Set when this process may program iptables: ClusterIPs are then REDIRECTed to the listeners. */
  iptables: Iptables | undefined;
  /** Where NodePorts listen (kube-proxy: every address). */
  nodePortAddress?: string;
  logger?: Logger;
}

interface Listener {
  close(): Promise<void>;
}

interface Served {
  sp: ServicePort;
  lb: RoundRobin;
  /** The port the ClusterIP is REDIRECTed to. */
  portalPort: number;
  listeners: Listener[];
}

/**
 * The userspace mode, kube-proxy's oldest: the proxy itself carries the bytes. Each service port
 * gets a listener on a free host port, where iptables REDIRECTs its ClusterIP (root only), and a
 * listener on its NodePort; connections go round-robin to ready endpoints. Without iptables the
 * ClusterIPs do not answer — only the NodePorts (and the portal ports) do.
 */
export class UserspaceProxier implements Proxier {
  readonly mode = "userspace" as const;
  private readonly served = new Map<string, Served>();
  private readonly log: Logger;
  private portalsReady = false;

  constructor(private readonly opts: UserspaceProxierOptions) {
    this.log = opts.logger ?? silentLogger;
  }

  /** The host port a service port's ClusterIP traffic lands on (tests, and the no-iptables case). */
  portalPort(key: string): number | undefined {
    return this.served.get(key)?.portalPort;
  }

  async sync(changes: TrackedChanges): Promise<void> {
    for (const key of changes.changed) {
      const sp = changes.map.get(key);
      const cur = this.served.get(key);
      if (cur && (!sp || !sameListeners(cur.sp, sp))) {
        await Promise.all(cur.listeners.map((l) => l.close()));
        this.served.delete(key);
      }
      if (!sp) continue;
      const existing = this.served.get(key);
      if (existing) {
        existing.sp = sp;
        existing.lb.update(sp.endpoints, sp.affinitySeconds);
        continue;
      }
      try {
        this.served.set(key, await this.open(sp));
      } catch (err) {
        this.log.error({ service: key, err: (err as Error).message }, "cannot listen for service port");
      }
    }
    if (this.opts.iptables) await this.writePortals(this.opts.iptables);
  }

  async stop(): Promise<void> {
    for (const s of this.served.values()) await Promise.all(s.listeners.map((l) => l.close()));
    this.served.clear();
  }

  private async open(sp: ServicePort): Promise<Served> {
    const lb = new RoundRobin();
    lb.update(sp.endpoints, sp.affinitySeconds);
    const listeners: Listener[] = [];
    const make = () => (sp.protocol === "UDP" ? new UdpProxy(lb) : new TcpProxy(sp.key, lb, this.log));
    try {
      const portal = make();
      const portalPort = await portal.listen("0.0.0.0", 0);
      listeners.push(portal);
      if (sp.nodePort > 0) {
        const np = make();
        await np.listen(this.opts.nodePortAddress ?? "0.0.0.0", sp.nodePort);
        listeners.push(np);
      }
      this.log.info(
        {
          service: sp.key,
          clusterIP: `${sp.clusterIP}:${sp.port}`,
          portalPort,
          nodePort: sp.nodePort || undefined,
        },
        "userspace proxy listening",
      );
      return { sp, lb, portalPort, listeners };
    } catch (err) {
      await Promise.all(listeners.map((l) => l.close()));
      throw err;
    }
  }

  /** Rewrites the two portal chains whole: one REDIRECT per service port (and external IP). */
  private async writePortals(iptables: Iptables): Promise<void> {
    if (!this.portalsReady) {
      // Whatever an iptables-mode run left would catch the ClusterIPs first.
      await cleanupIptables(iptables);
      this.portalsReady = true;
    }
    const container: string[] = [];
    const host: string[] = [];
    for (const key of [...this.served.keys()].sort()) {
      const { sp, portalPort } = this.served.get(key) as Served;
      const proto = sp.protocol.toLowerCase();
      for (const ip of [sp.clusterIP, ...sp.externalIPs]) {
        const m = `-d ${ip}/32 -p ${proto} -m ${proto} --dport ${sp.port} -m comment --comment "${sp.key}"`;
        container.push(`-A KUBE-PORTALS-CONTAINER ${m} -j REDIRECT --to-ports ${portalPort}`);
        host.push(`-A KUBE-PORTALS-HOST ${m} -j REDIRECT --to-ports ${portalPort}`);
      }
    }
    await iptables.restore(
      [
        "*nat",
        ":KUBE-PORTALS-CONTAINER - [0:0]",
        ":KUBE-PORTALS-HOST - [0:0]",
        ...container,
        ...host,
        "COMMIT",
        "",
      ].join("\n"),
    );
    for (const jump of USERSPACE_JUMPS) await iptables.ensureJump(jump);
  }
}

function sameListeners(a: ServicePort, b: ServicePort): boolean {
  return a.protocol === b.protocol && a.nodePort === b.nodePort;
}

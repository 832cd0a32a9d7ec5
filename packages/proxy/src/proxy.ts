import { DEFAULT_CLUSTER_CIDR, type Endpoints, type Node, podGateway, type Service } from "@minik8s/api";
import { type Client, Informer, type Logger, type ResourceRef, silentLogger } from "@minik8s/client";
import { BoundedFrequencyRunner } from "./bounded-frequency-runner.js";
import { ChangeTracker, type ServiceSource } from "./change-tracker.js";
import { DnsServer } from "./dns/dns-server.js";
import { hostNameservers } from "./dns/upstream.js";
import { enableRouteLocalnet, type Iptables, iptablesUsable, SystemIptables } from "./iptables/iptables.js";
import { IptablesProxier } from "./iptables/iptables-proxier.js";
import type { Proxier } from "./proxier.js";
import { UserspaceProxier } from "./userspace/userspace-proxier.js";

const SERVICES: ResourceRef = {
  group: "",
  version: "v1",
  plural: "services",
  namespaced: true,
  kind: "Service",
};
const ENDPOINTS: ResourceRef = {
  group: "",
  version: "v1",
  plural: "endpoints",
  namespaced: true,
  kind: "Endpoints",
};
const NODES: ResourceRef = { group: "", version: "v1", plural: "nodes", namespaced: false, kind: "Node" };

/** How often the DNS server retries binding the pod gateway (the bridge may not exist yet). */
const DNS_BIND_RETRY_MS = 2000;

export type ProxyMode = "iptables" | "userspace";

export interface ProxyOptions {
  client: Client;
  nodeName: string;
  /** Undefined: iptables where it works, else userspace. */
  mode?: ProxyMode;
  /** Pod traffic's source range; traffic to a ClusterIP from elsewhere is masqueraded. */
  clusterCIDR?: string;
  /** Smallest gap between two rule syncs once the burst of 2 is spent (kube-proxy: 1s). */
  minSyncPeriodMs?: number;
  /** A sync at least this often even without changes (kube-proxy: 30s); it writes only what differs. */
  syncPeriodMs?: number;
  /**
   * iptables mode: every chain rewritten and stale ones removed this often, healing rules someone
   * else changed (kube-proxy: 1 hour). Rare, because rewriting 1,000 services' chains takes seconds.
   */
  fullSyncPeriodMs?: number;
  /** false: no DNS server. */
  dns?: false | DnsOptions;
  /** The iptables to program (tests pass a recorder); default: the system's. */
  iptables?: Iptables;
  /** Called after each successful sync (benchmarks). */
  onSync?: (info: SyncInfo) => void;
  logger?: Logger;
}

export interface DnsOptions {
  /** Fixed listen address; default: the gateway of this node's podCIDR, else 127.0.0.1. */
  address?: string;
  port?: number;
  /** Default: the nameservers of /etc/resolv.conf. */
  upstreams?: string[];
  forwardTimeoutMs?: number;
}

export interface SyncInfo {
  servicePorts: number;
  changed: number;
  durationMs: number;
  /** iptables mode: the lines handed to iptables-restore (0: nothing to write). */
  restoreLines?: number;
}

export interface RunningProxy {
  readonly mode: ProxyMode;
  readonly proxier: Proxier;
  /** `host:port` the DNS server answers on; undefined while it is not bound. */
  dnsAddress(): string | undefined;
  /** Resolves once the informers have listed and the first sync has run. */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

/** Picks the mode: what was asked for, or iptables where this process can program it. */
export async function chooseMode(
  asked: ProxyMode | undefined,
  log: Logger,
): Promise<{ mode: ProxyMode; iptablesOk: boolean; reason: string }> {
  const probe = await iptablesUsable();
  if (asked === "userspace") return { mode: "userspace", iptablesOk: probe.ok, reason: "asked for" };
  if (probe.ok) return { mode: "iptables", iptablesOk: true, reason: probe.reason };
  if (asked === "iptables") throw new Error(`--mode iptables: iptables is not usable here (${probe.reason})`);
  log.warn(
    { reason: probe.reason },
    "iptables is not usable; falling back to the userspace proxy (only NodePorts answer)",
  );
  return { mode: "userspace", iptablesOk: false, reason: probe.reason };
}

/**
 * The service proxy of one node (kube-proxy) plus the cluster DNS: informers on Services,
 * Endpoints and this Node; a change tracker turns events into the set of changed service ports;
 * a bounded-frequency runner coalesces them into syncs of the chosen proxier.
 */
export async function startProxy(opts: ProxyOptions): Promise<RunningProxy> {
  const log = opts.logger ?? silentLogger;
  let mode: ProxyMode;
  let iptables: Iptables | undefined = opts.iptables;
  if (opts.iptables) {
    mode = opts.mode ?? "iptables";
  } else {
    const chosen = await chooseMode(opts.mode, log);
    mode = chosen.mode;
    if (chosen.iptablesOk) iptables = new SystemIptables();
  }
  if (mode === "iptables" && !opts.iptables) {
    try {
      await enableRouteLocalnet();
    } catch (err) {
      log.warn(
        { err: (err as Error).message },
        "cannot set net.ipv4.conf.all.route_localnet=1: NodePorts will not answer on 127.0.0.1",
      );
    }
  }
  const proxier: Proxier =
    mode === "iptables"
      ? new IptablesProxier({
          iptables: iptables as Iptables,
          clusterCIDR: opts.clusterCIDR ?? DEFAULT_CLUSTER_CIDR,
          logger: log,
        })
      : new UserspaceProxier({ iptables, logger: log });

  const services = new Informer<Service>(opts.client, { resource: SERVICES, logger: log });
  const endpoints = new Informer<Endpoints>(opts.client, { resource: ENDPOINTS, logger: log });
  const source: ServiceSource = {
    service: (ns, name) => services.getByName(ns, name),
    endpoints: (ns, name) => endpoints.getByName(ns, name),
  };
  const tracker = new ChangeTracker(source);
  let synced = false;
  let resolveReady: () => void = () => {};
  const readyPromise = new Promise<void>((r) => {
    resolveReady = r;
  });
  const runner = new BoundedFrequencyRunner(
    async () => {
      if (!synced) return;
      const started = performance.now();
      const changes = tracker.apply();
      await proxier.sync(changes);
      const info = {
        servicePorts: changes.map.size,
        changed: changes.changed.size,
        durationMs: performance.now() - started,
        ...(proxier instanceof IptablesProxier ? { restoreLines: proxier.lastRestoreLines } : {}),
      };
      log.debug({ ...info }, "proxy synced");
      resolveReady();
      opts.onSync?.(info);
    },
    {
      minIntervalMs: opts.minSyncPeriodMs ?? 1000,
      maxIntervalMs: opts.syncPeriodMs ?? 30_000,
      burst: 2,
      onError: (err) => {
        log.error({ err: (err as Error).message }, "proxy sync failed; retrying");
        setTimeout(() => runner.run(), 1000).unref();
      },
    },
  );
  const touch = (obj: Service | Endpoints) => {
    tracker.touch(obj.metadata.namespace ?? "default", obj.metadata.name ?? "");
    runner.run();
  };
  for (const inf of [services, endpoints] as Informer<Service | Endpoints>[]) {
    inf.addEventHandler({
      onAdd: touch,
      onUpdate: (_old, obj) => {
        // Resyncs re-deliver objects unchanged; the runner's periodic full sync covers those.
        if (_old !== obj) touch(obj);
      },
      onDelete: touch,
    });
  }

  let dns: DnsHandle | undefined;
  let nodes: Informer<Node> | undefined;
  if (opts.dns !== false) {
    const dnsOpts = opts.dns ?? {};
    const server = new DnsServer({
      source,
      upstreams: dnsOpts.upstreams ?? (await hostNameservers()),
      forwardTimeoutMs: dnsOpts.forwardTimeoutMs ?? 2000,
      logger: log,
    });
    dns = new DnsHandle(server, dnsOpts.port ?? 53, log);
    if (dnsOpts.address) dns.moveTo(dnsOpts.address);
    else {
      nodes = new Informer<Node>(opts.client, {
        resource: NODES,
        fieldSelector: `metadata.name=${opts.nodeName}`,
        logger: log,
      });
      const place = (node: Node | undefined) => {
        const gw = node?.spec?.podCIDR ? podGateway(node.spec.podCIDR) : undefined;
        dns?.moveTo(gw ?? "127.0.0.1");
      };
      nodes.addEventHandler({
        onAdd: place,
        onUpdate: (_o, n) => place(n),
        onDelete: () => place(undefined),
      });
      nodes.start();
      void nodes.waitForSync().then((ok) => {
        if (ok && nodes?.list().length === 0) place(undefined);
      });
    }
  }

  services.start();
  endpoints.start();
  runner.start();
  void Promise.all([services.waitForSync(), endpoints.waitForSync()]).then((ok) => {
    if (!ok.every(Boolean)) return;
    synced = true;
    if (proxier instanceof IptablesProxier) proxier.requestFullSync();
    runner.run();
    log.info({ mode, node: opts.nodeName }, "proxy caches synced");
  });
  const full = setInterval(() => {
    if (proxier instanceof IptablesProxier) proxier.requestFullSync();
    runner.run();
  }, opts.fullSyncPeriodMs ?? 3_600_000);
  full.unref();

  return {
    mode,
    proxier,
    dnsAddress: () => dns?.address(),
    ready: () => readyPromise,
    async stop() {
      clearInterval(full);
      await runner.stop();
      await Promise.all([services.stop(), endpoints.stop(), nodes?.stop()]);
      await dns?.close();
      await proxier.stop();
    },
  };
}

/**
 * Keeps the DNS server bound to the address it should have: it moves when the node's podCIDR
 * appears or changes, and retries while the address is not on this host yet (the kubelet
 * creates the pod bridge that carries the gateway address).
 */
class DnsHandle {
  private want: string | undefined;
  private bound: string | undefined;
  private retry: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private failedFor: string | undefined;

  constructor(
    private readonly server: DnsServer,
    private readonly port: number,
    private readonly log: Logger,
  ) {}

  address(): string | undefined {
    return this.bound;
  }

  moveTo(spec: string): void {
    const [host, port] = spec.includes(":")
      ? [spec.slice(0, spec.lastIndexOf(":")), Number(spec.slice(spec.lastIndexOf(":") + 1))]
      : [spec, this.port];
    const target = `${host}:${port}`;
    if (target === this.want) return;
    this.want = target;
    this.chain = this.chain.then(() => this.bind());
  }

  private async bind(): Promise<void> {
    clearTimeout(this.retry);
    const target = this.want;
    if (this.closed || !target || target === this.bound) return;
    if (this.bound) {
      await this.server.close();
      this.bound = undefined;
    }
    const i = target.lastIndexOf(":");
    try {
      const port = await this.server.listen(target.slice(0, i), Number(target.slice(i + 1)));
      this.bound = `${target.slice(0, i)}:${port}`;
      this.log.info({ address: this.bound }, "cluster DNS listening");
    } catch (err) {
      // Said once per address; the retries go on quietly (the bridge may take a while to appear).
      const say = this.failedFor === target ? this.log.debug : this.log.warn;
      this.failedFor = target;
      say.call(
        this.log,
        { address: target, err: (err as Error).message },
        "cannot bind the cluster DNS yet; retrying",
      );
      this.retry = setTimeout(() => {
        this.chain = this.chain.then(() => this.bind());
      }, DNS_BIND_RETRY_MS);
      this.retry.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.chain;
    await this.server.close();
  }
}

import { KUBERNETES_VERSION, type Pod, type Service, type Taint } from "@minik8s/api";
import {
  type Client,
  type Clock,
  EventRecorder,
  Informer,
  type Logger,
  realClock,
  silentLogger,
  sleep,
} from "@minik8s/client";
import { ApiConfigSource, SERVICES } from "./env/config-source.js";
import { DeviceManager } from "./gpu/device-manager.js";
import type { GpuDevice } from "./gpu/nvidia-smi.js";
import type { PodNetworkDriver } from "./network/docker-pod-network.js";
import { HostRoutes } from "./network/host-routes.js";
import { hostDnsConfig, type NodeNetwork, sandboxNetwork, setUpNodeNetwork } from "./network/node-network.js";
import type { DnsConfig } from "./network/pod-dns.js";
import { LeaseHeartbeat } from "./node/lease-heartbeat.js";
import { localMachineInfo, type MachineInfo } from "./node/machine-info.js";
import { registerNode } from "./node/node-registration.js";
import { type NodeFacts, NodeStatusUpdater } from "./node/node-status.js";
import { RelistPleg } from "./pleg.js";
import { PodWorkers } from "./pod-workers.js";
import { ProbeManager } from "./prober/probe-manager.js";
import { Prober } from "./prober/prober.js";
import type { ContainerRuntime } from "./runtime/container-runtime.js";
import { KubeletServer } from "./server/kubelet-server.js";
import { ApiPodApi, PODS } from "./status/status-writer.js";
import { PodSyncer } from "./sync-pod.js";
import { VolumeManager } from "./volumes/volume-manager.js";

export const KUBELET_VERSION = KUBERNETES_VERSION.gitVersion;

export interface KubeletOptions {
  client: Client;
  nodeName: string;
  runtime: ContainerRuntime;
  /** Where the kubelet keeps its state (the device checkpoint). */
  rootDir: string;
  /** The GPUs to advertise and hand out; undefined: no nvidia.com/gpu on this node. */
  gpus?: GpuDevice[] | undefined;
  nodeLabels?: Record<string, string>;
  taints?: Taint[];
  machine?: MachineInfo;
  clock?: Clock;
  logger?: Logger;
  /** How often the runtime is relisted for container changes (Kubernetes: 1 s). */
  relistPeriodMs?: number;
  /** How often the node Lease is renewed (Kubernetes: 10 s, a quarter of its 40 s duration). */
  nodeLeaseRenewMs?: number;
  /** --node-status-update-frequency: how often the node status is rebuilt and compared (10 s). */
  nodeStatusUpdateFrequencyMs?: number;
  /** The kubelet's HTTP server (logs, exec, stats): port 10250 in Kubernetes, 0 for a free one. Absent: none. */
  server?: { port: number; address?: string | undefined } | undefined;
  /** The pod network (network/docker-pod-network.ts); absent: pods on the runtime's default network. */
  podNetwork?: PodNetworkDriver | undefined;
  /** How long start() waits for the node IPAM controller to give the Node a pod CIDR. Default 10 s. */
  podCIDRWaitMs?: number;
  /** Keep routes to other nodes' pod CIDRs in this host's routing table (host-gw). */
  hostRoutes?: boolean;
  /** The resolver settings Default-policy pods get; default: this host's /etc/resolv.conf. */
  hostDns?: DnsConfig;
}

/**
 * The node agent, wired: it registers the Node, keeps its Lease and status fresh, watches the
 * pods bound to it (field selector spec.nodeName=<me>), and gives each pod a worker that syncs
 * it through the container runtime. Stopping the kubelet leaves the containers running: the
 * next kubelet adopts them.
 */
export class Kubelet {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly machine: MachineInfo;
  private readonly desired = new Map<string, Pod>();
  private readonly pods: Informer<Pod>;
  private devices: DeviceManager | undefined;
  private workers: PodWorkers | undefined;
  private pleg: RelistPleg | undefined;
  private heartbeat: LeaseHeartbeat | undefined;
  private statusUpdater: NodeStatusUpdater | undefined;
  private probes: ProbeManager | undefined;
  private server: KubeletServer | undefined;
  private serverPort: number | undefined;
  private routes: HostRoutes | undefined;
  private network: NodeNetwork = {};
  private readonly abort = new AbortController();
  /** Every Service: the variables Kubernetes injects into containers (`<SVC>_SERVICE_HOST` ...). */
  private readonly services: Informer<Service>;
  /** Events about pods, as source component "kubelet" on this node. */
  private readonly events: EventRecorder;

  constructor(private readonly o: KubeletOptions) {
    this.clock = o.clock ?? realClock;
    this.log = o.logger ?? silentLogger;
    this.machine = o.machine ?? localMachineInfo();
    this.pods = new Informer<Pod>(o.client, {
      resource: PODS,
      fieldSelector: `spec.nodeName=${o.nodeName}`,
      logger: this.log,
    });
    this.services = new Informer<Service>(o.client, { resource: SERVICES, logger: this.log });
    this.events = new EventRecorder({
      client: o.client,
      component: "kubelet",
      host: o.nodeName,
      clock: this.clock,
      logger: this.log,
    });
  }

  /** Resolves once the node is registered and every pod bound to it has been handed to a worker. */
  async start(): Promise<void> {
    const { client, nodeName, runtime } = this.o;
    // Started first so the service variables are known before the first container is made.
    this.services.start();
    if (this.o.gpus) this.devices = await DeviceManager.open(this.o.rootDir, this.o.gpus, this.log);
    if (this.o.server) {
      this.server = new KubeletServer({
        ...this.o.server,
        runtime,
        nodeName,
        pod: (namespace, name) => this.pods.getByName(namespace, name),
        pods: () => this.pods.list(),
        logger: this.log,
      });
      this.serverPort = await this.server.start();
    }
    const node = await this.register();
    if (!node) return;
    this.heartbeat = new LeaseHeartbeat({
      client,
      nodeName,
      nodeUid: node,
      clock: this.clock,
      logger: this.log,
      ...(this.o.nodeLeaseRenewMs ? { renewEveryMs: this.o.nodeLeaseRenewMs } : {}),
    });
    this.heartbeat.start();
    this.statusUpdater = new NodeStatusUpdater({
      client,
      nodeName,
      facts: () => this.facts(),
      clock: this.clock,
      logger: this.log,
      ...(this.o.nodeStatusUpdateFrequencyMs ? { checkEveryMs: this.o.nodeStatusUpdateFrequencyMs } : {}),
    });
    this.statusUpdater.start();

    if (this.o.podNetwork) {
      const setUp = { client, nodeName, driver: this.o.podNetwork, clock: this.clock, log: this.log };
      this.network = await setUpNodeNetwork({
        ...setUp,
        waitMs: this.o.podCIDRWaitMs ?? 10_000,
        signal: this.abort.signal,
      });
      // A pod CIDR assigned later (the controller-manager started after us) still takes effect.
      if (!this.network.podCIDR) {
        void setUpNodeNetwork({ ...setUp, waitMs: 24 * 3600_000, pollMs: 2_000, signal: this.abort.signal })
          .then((net) => {
            if (net.network) this.network = net;
          })
          .catch((err) => this.log.warn({ err: String(err) }, "pod network setup stopped"));
      }
    }
    if (this.o.hostRoutes) {
      this.routes = new HostRoutes({ client, nodeName, logger: this.log });
      void this.routes.start().catch((err) => this.log.error({ err: String(err) }, "host routes stopped"));
    }
    const hostDns = this.o.hostDns ?? hostDnsConfig();

    const prober = new Prober(runtime);
    this.probes = new ProbeManager({
      run: (action, target, timeoutMs) => prober.run(action, target, timeoutMs),
      clock: this.clock,
      logger: this.log,
      events: this.events,
      onPodChanged: (uid) => this.workers?.enqueue(uid),
    });
    const config = new ApiConfigSource(client, this.services);
    const syncer = new PodSyncer({
      runtime,
      probes: this.probes,
      runtimeName: (await this.runtimeVersion())?.name ?? "unknown",
      api: new ApiPodApi(client, this.log),
      nodeName,
      hostIP: this.machine.internalIP,
      clock: this.clock,
      logger: this.log,
      admitter: this.devices,
      events: this.events,
      config,
      volumes: new VolumeManager({
        rootDir: this.o.rootDir,
        source: config,
        logger: this.log,
        clock: this.clock,
      }),
      allocatable: { cpuMillis: this.machine.cpuCores * 1000, memoryBytes: this.machine.memoryBytes },
      sandboxNetwork: (pod) => sandboxNetwork(pod, this.network, hostDns),
    });
    const workers = new PodWorkers((uid) => syncer.sync(uid, this.desired.get(uid)), this.clock, this.log);
    this.workers = workers;
    this.pods.addEventHandler({
      onAdd: (pod) => this.track(pod),
      onUpdate: (old, pod) => {
        if (old.metadata.uid !== pod.metadata.uid) this.untrack(old);
        this.track(pod);
      },
      onDelete: (pod) => this.untrack(pod),
    });
    this.pods.start();
    if (!(await this.pods.waitForSync(this.abort.signal))) return;
    // Devices held for pods deleted while no kubelet ran go back to the pool.
    const active = this.pods
      .list()
      .filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
    await this.devices?.retainOnly(new Set(active.map((p) => p.metadata.uid ?? "")));
    this.log.info({ node: nodeName, pods: this.pods.list().length }, "pods bound to this node synced");
    this.pleg = new RelistPleg(
      runtime,
      nodeName,
      (uid) => workers.enqueue(uid),
      this.clock,
      this.log,
      this.o.relistPeriodMs,
    );
    await this.pleg.relist();
    this.pleg.start();
  }

  /** Stops watching and syncing; containers keep running. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.pleg?.stop();
    this.probes?.stop();
    this.heartbeat?.stop();
    this.statusUpdater?.stop();
    await this.pods.stop();
    await this.services.stop();
    await this.workers?.stop();
    await this.events.flush();
    await this.server?.close();
    await this.routes?.stop();
  }

  /** This node's pod network as set up at start: its pod CIDR, network name and DNS server. */
  get podNetwork(): NodeNetwork {
    return this.network;
  }

  /**
   * Removes this node's pod network (and the host's rules once no node network is left); for
   * `minik8s kubelet --cleanup` and tests, after the node's containers are gone.
   */
  async removePodNetwork(): Promise<Error | undefined> {
    return this.o.podNetwork?.remove(this.o.nodeName);
  }

  /** The port the kubelet server listens on (undefined: no server, or not started yet). */
  get port(): number | undefined {
    return this.serverPort;
  }

  /** Resolves once no pod sync is in progress (tests). */
  idle(): Promise<void> {
    return this.workers?.idle() ?? Promise.resolve();
  }

  /** Registration retries until it works or the kubelet stops; the value is the Node's uid. */
  private async register(): Promise<string | undefined> {
    let delay = 500;
    while (!this.abort.signal.aborted) {
      const result = await registerNode(
        this.o.client,
        {
          nodeName: this.o.nodeName,
          architecture: this.machine.architecture,
          labels: { ...this.devices?.nodeLabels(), ...this.o.nodeLabels },
          taints: this.o.taints ?? [],
        },
        this.log,
      );
      if (result.ok) return result.node.metadata.uid ?? "";
      this.log.warn(
        { node: this.o.nodeName, err: result.message, retryInMs: delay },
        "node registration failed",
      );
      await sleep(this.clock, delay, this.abort.signal);
      delay = Math.min(delay * 2, 7_000);
    }
    return undefined;
  }

  private track(pod: Pod): void {
    const uid = pod.metadata.uid ?? "";
    this.desired.set(uid, pod);
    this.workers?.enqueue(uid);
  }

  private untrack(pod: Pod): void {
    const uid = pod.metadata.uid ?? "";
    this.desired.delete(uid);
    this.workers?.enqueue(uid);
  }

  private async runtimeVersion() {
    try {
      return await this.o.runtime.version();
    } catch (err) {
      this.log.warn({ err: String(err) }, "container runtime does not answer");
      return undefined;
    }
  }

  private async facts(): Promise<NodeFacts> {
    let runtime: NodeFacts["runtime"];
    try {
      runtime = { ok: true, version: await this.o.runtime.version() };
    } catch (err) {
      runtime = { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
    return {
      machine: this.machine,
      kubeletVersion: KUBELET_VERSION,
      runtime,
      gpus: this.devices?.capacity,
      kubeletPort: this.serverPort,
    };
  }
}

import { KUBERNETES_VERSION, type Pod, type Taint } from "@minik8s/api";
import {
  type Client,
  type Clock,
  Informer,
  type Logger,
  realClock,
  silentLogger,
  sleep,
} from "@minik8s/client";
import { DeviceManager } from "./gpu/device-manager.js";
import type { GpuDevice } from "./gpu/nvidia-smi.js";
import { LeaseHeartbeat } from "./node/lease-heartbeat.js";
import { localMachineInfo, type MachineInfo } from "./node/machine-info.js";
import { registerNode } from "./node/node-registration.js";
import { type NodeFacts, NodeStatusUpdater } from "./node/node-status.js";
import { RelistPleg } from "./pleg.js";
import { PodWorkers } from "./pod-workers.js";
import type { ContainerRuntime } from "./runtime/container-runtime.js";
import { ApiPodApi, PODS } from "./status/status-writer.js";
import { PodSyncer } from "./sync-pod.js";

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
  private readonly abort = new AbortController();

  constructor(private readonly o: KubeletOptions) {
    this.clock = o.clock ?? realClock;
    this.log = o.logger ?? silentLogger;
    this.machine = o.machine ?? localMachineInfo();
    this.pods = new Informer<Pod>(o.client, {
      resource: PODS,
      fieldSelector: `spec.nodeName=${o.nodeName}`,
      logger: this.log,
    });
  }

  /** Resolves once the node is registered and every pod bound to it has been handed to a worker. */
  async start(): Promise<void> {
    const { client, nodeName, runtime } = this.o;
    if (this.o.gpus) this.devices = await DeviceManager.open(this.o.rootDir, this.o.gpus, this.log);
    const node = await this.register();
    if (!node) return;
    this.heartbeat = new LeaseHeartbeat({
      client,
      nodeName,
      nodeUid: node,
      clock: this.clock,
      logger: this.log,
    });
    this.heartbeat.start();
    this.statusUpdater = new NodeStatusUpdater({
      client,
      nodeName,
      facts: () => this.facts(),
      clock: this.clock,
      logger: this.log,
    });
    this.statusUpdater.start();

    const syncer = new PodSyncer({
      runtime,
      runtimeName: (await this.runtimeVersion())?.name ?? "unknown",
      api: new ApiPodApi(client, this.log),
      nodeName,
      hostIP: this.machine.internalIP,
      clock: this.clock,
      logger: this.log,
      admitter: this.devices,
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
    this.heartbeat?.stop();
    this.statusUpdater?.stop();
    await this.pods.stop();
    await this.workers?.stop();
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
    return { machine: this.machine, kubeletVersion: KUBELET_VERSION, runtime, gpus: this.devices?.capacity };
  }
}

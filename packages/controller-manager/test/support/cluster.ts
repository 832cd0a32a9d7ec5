import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kindForApiVersion } from "@minik8s/api/registry";
import type { Node } from "@minik8s/api/schemas/core";
import { type ApiServer, startApiServer } from "@minik8s/apiserver";
import { Client, type Logger } from "@minik8s/client";
import { Kubelet, type KubeletOptions, SimRuntime, simulatedMachine } from "@minik8s/kubelet";
import {
  defaultSchedulerConfig,
  profilesFromConfig,
  type RunningScheduler,
  startScheduler,
} from "@minik8s/scheduler";
import { ControllerManager, type ControllerManagerOptions } from "../../src/index.js";
import { PartitionProxy } from "./partition.js";

const NODES = kindForApiVersion("v1", "Node")!;

/** Logs to stderr when MINIK8S_TEST_LOG is set: the decisions behind a failing test. */
const testLogger: Logger | undefined = process.env.MINIK8S_TEST_LOG
  ? {
      debug: () => {},
      info: (f, m) => process.stderr.write(`${m} ${JSON.stringify(f)}\n`),
      warn: (f, m) => process.stderr.write(`WARN ${m} ${JSON.stringify(f)}\n`),
      error: (f, m) => process.stderr.write(`ERROR ${m} ${JSON.stringify(f)}\n`),
    }
  : undefined;

/**
 * The simulated runtime, with containers that take `startDelayMs` to start: a slow node, so a
 * test can act while a rollout is still under way.
 */
export class SlowStartRuntime extends SimRuntime {
  startDelayMs = 0;

  override async startContainer(id: string): ReturnType<SimRuntime["startContainer"]> {
    if (this.startDelayMs > 0) await new Promise((r) => setTimeout(r, this.startDelayMs));
    return super.startContainer(id);
  }
}

/** Room for every test's pods (they request nothing, so only the pod count binds). */
const machine = (n: number) =>
  simulatedMachine(`sim-${n}`, `192.0.2.${10 + n}`, { cpuCores: 8, memoryBytes: 16 * 1024 ** 3 });

/**
 * An apiserver, the scheduler, two kubelets on the simulated runtime and a controller-manager
 * in this process: a whole cluster, nothing that needs Docker. `restartManager` kills the
 * controller-manager and starts a fresh one, as a crash and a restart would.
 */
export class TestCluster {
  manager: ControllerManager;
  /** With `partitionable`: each kubelet's link to the apiserver, to cut and heal. */
  partitions: PartitionProxy[] = [];
  private kubeletClients: Client[] = [];

  private constructor(
    readonly server: ApiServer,
    readonly client: Client,
    readonly scheduler: RunningScheduler,
    readonly kubelets: Kubelet[],
    readonly runtimes: SlowStartRuntime[],
    private readonly dataDir: string,
    private readonly managerOptions: Partial<ControllerManagerOptions>,
  ) {
    this.manager = this.newManager();
  }

  static async start(
    opts: {
      nodes?: number;
      manager?: Partial<ControllerManagerOptions>;
      kubelet?: Partial<KubeletOptions>;
      /** Each kubelet talks to the apiserver through its own PartitionProxy. */
      partitionable?: boolean;
    } = {},
  ): Promise<TestCluster> {
    const dataDir = await mkdtemp(join(tmpdir(), "minik8s-cm-"));
    const server = await startApiServer({ dataDir: join(dataDir, "data"), port: 0, logger: false });
    const client = new Client({ server: server.url });
    const runtimes: SlowStartRuntime[] = [];
    const kubelets: Kubelet[] = [];
    const partitions: PartitionProxy[] = [];
    const kubeletClients: Client[] = [];
    for (let n = 1; n <= (opts.nodes ?? 2); n++) {
      const runtime = new SlowStartRuntime({ podSubnet: `10.88.${n}` });
      let kubeletClient = client;
      if (opts.partitionable) {
        const proxy = await new PartitionProxy(server.url).start();
        partitions.push(proxy);
        kubeletClient = new Client({ server: proxy.url });
        kubeletClients.push(kubeletClient);
      }
      const kubelet = new Kubelet({
        ...opts.kubelet,
        client: kubeletClient,
        nodeName: `sim-${n}`,
        runtime,
        rootDir: join(dataDir, `kubelet-${n}`),
        machine: machine(n),
        // Relisting often lets the kubelet notice container changes within a test's patience.
        relistPeriodMs: 100,
        ...(testLogger ? { logger: testLogger } : {}),
      });
      await kubelet.start();
      runtimes.push(runtime);
      kubelets.push(kubelet);
    }
    // Pods created before a node is Ready would wait out the scheduler's backoff.
    await waitFor("nodes Ready", async () => {
      const nodes = (await client.list<Node>(NODES)).items;
      const ready = nodes.filter((n) =>
        n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
      );
      return ready.length === kubelets.length ? ready : undefined;
    });
    const scheduler = await startScheduler({
      client,
      profiles: profilesFromConfig(defaultSchedulerConfig()),
      ...(testLogger ? { logger: testLogger } : {}),
    });
    const cluster = new TestCluster(
      server,
      client,
      scheduler,
      kubelets,
      runtimes,
      dataDir,
      opts.manager ?? {},
    );
    cluster.partitions = partitions;
    cluster.kubeletClients = kubeletClients;
    cluster.manager.start();
    return cluster;
  }

  /** Pulls of `image` fail on every node: its pods sit in ErrImagePull/ImagePullBackOff, never ready. */
  failPulls(image: string): void {
    for (const r of this.runtimes) r.failPull(image);
  }

  allowPulls(image: string): void {
    for (const r of this.runtimes) r.allowPull(image);
  }

  /** How long every node takes to start a container. */
  set startDelayMs(ms: number) {
    for (const r of this.runtimes) r.startDelayMs = ms;
  }

  async stopManager(): Promise<void> {
    await this.manager.stop();
  }

  async restartManager(): Promise<void> {
    await this.manager.stop();
    this.manager = this.newManager();
    this.manager.start();
  }

  async stop(): Promise<void> {
    await this.manager.stop();
    await this.scheduler.stop();
    await Promise.all(this.kubelets.map((k) => k.stop()));
    for (const c of this.kubeletClients) c.close();
    await Promise.all(this.partitions.map((p) => p.close()));
    this.client.close();
    await this.server.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private newManager(): ControllerManager {
    return new ControllerManager({
      client: this.client,
      workers: 2,
      ...(testLogger ? { logger: testLogger } : {}),
      ...this.managerOptions,
    });
  }
}

/**
 * Polls `probe` until it returns something other than undefined/false; fails with `what` and
 * the last value seen (`describe`) after `timeoutMs`.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; describe?: () => unknown } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = opts.describe ? await opts.describe() : last;
      throw new Error(
        `timed out waiting for ${what}; last seen: ${JSON.stringify(detail, null, 1)?.slice(0, 2000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

import { hostname } from "node:os";
import {
  type Client,
  type Clock,
  EventRecorder,
  LeaderElector,
  type Logger,
  realClock,
  silentLogger,
} from "@minik8s/client";
import type { Controller } from "./controller.js";
import { DeploymentController } from "./controllers/deployment/deployment-controller.js";
import { DisruptionController } from "./controllers/disruption-controller.js";
import { EndpointsController } from "./controllers/endpoints/endpoints-controller.js";
import { GarbageCollector } from "./controllers/garbage-collector.js";
import { NamespaceController } from "./controllers/namespace-controller.js";
import {
  NodeLifecycleController,
  type NodeLifecycleSettings,
} from "./controllers/node-lifecycle/node-lifecycle-controller.js";
import { TaintEvictionController } from "./controllers/node-lifecycle/taint-eviction-controller.js";
import { NodeIpamController } from "./controllers/nodeipam/node-ipam-controller.js";
import { ReplicaSetController } from "./controllers/replicaset-controller.js";
import { SharedInformers } from "./informers.js";

export const CONTROLLER_NAMES = [
  "replicaset",
  "deployment",
  "garbagecollector",
  "namespace",
  "nodeipam",
  "endpoints",
  "disruption",
  "nodelifecycle",
  "tainteviction",
] as const;
export type ControllerName = (typeof CONTROLLER_NAMES)[number];

export const LEASE_NAMESPACE = "kube-system";
export const LEASE_NAME = "minik8s-controller-manager";

export interface ControllerManagerOptions {
  client: Client;
  /** Which controllers run; default all. */
  controllers?: readonly ControllerName[];
  /** Compete for the Lease kube-system/minik8s-controller-manager and act only while holding it. */
  leaderElect?: boolean;
  identity?: string;
  /** Workers per controller (Kubernetes' --concurrent-*-syncs). Default 5. */
  workers?: number;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** The node lifecycle controller's periods and limits (--node-monitor-grace-period ...). */
  nodeLifecycle?: NodeLifecycleSettings;
  /** `--cluster-cidr`: what the node IPAM controller cuts into pod CIDRs (default 10.244.0.0/16). */
  clusterCIDR?: string;
  /** `--node-cidr-mask-size` (default 24). */
  nodeCIDRMaskSize?: number;
}

/** Parses `--controllers replicaset,deployment`; an unknown name is an error value. */
export function parseControllerNames(text: string): ControllerName[] | Error {
  const names = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(CONTROLLER_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    return new Error(`unknown controller(s) ${unknown.join(", ")}; known: ${CONTROLLER_NAMES.join(", ")}`);
  }
  if (names.length === 0) return new Error(`no controllers named; known: ${CONTROLLER_NAMES.join(", ")}`);
  return names as ControllerName[];
}

/**
 * kube-controller-manager: every control loop in one process, sharing one informer per kind.
 * With leader election only the Lease holder runs them; losing the Lease stops them, and
 * winning it again starts them afresh from the API (nothing is carried over: level-triggered).
 */
export class ControllerManager {
  private readonly log: Logger;
  private readonly names: readonly ControllerName[];
  private elector: LeaderElector | undefined;
  private stopping: AbortController | undefined;
  private running: Promise<void> | undefined;
  private readonly runs = new Set<Promise<void>>();

  constructor(private readonly opts: ControllerManagerOptions) {
    this.log = opts.logger ?? silentLogger;
    this.names = opts.controllers ?? CONTROLLER_NAMES;
  }

  /** Starts (campaigning first when leader election is on); returns at once. */
  start(): void {
    if (this.stopping) return;
    this.stopping = new AbortController();
    if (!this.opts.leaderElect) {
      this.running = this.runControllers(this.stopping.signal);
      return;
    }
    const identity = this.opts.identity ?? `${hostname()}_${Math.random().toString(36).slice(2, 10)}`;
    this.elector = new LeaderElector({
      client: this.opts.client,
      namespace: LEASE_NAMESPACE,
      name: LEASE_NAME,
      identity,
      ...(this.opts.leaseDurationMs ? { leaseDurationMs: this.opts.leaseDurationMs } : {}),
      ...(this.opts.renewDeadlineMs ? { renewDeadlineMs: this.opts.renewDeadlineMs } : {}),
      ...(this.opts.retryPeriodMs ? { retryPeriodMs: this.opts.retryPeriodMs } : {}),
      ...(this.opts.clock ? { clock: this.opts.clock } : {}),
      logger: this.log,
      onStartedLeading: (signal) => {
        this.log.info({ identity }, "became leader; starting controllers");
        const run = this.runControllers(signal);
        this.runs.add(run);
        void run.finally(() => this.runs.delete(run));
      },
      onStoppedLeading: () => this.log.info({ identity }, "no longer leader; controllers stop"),
      onNewLeader: (leader) => this.log.info({ leader }, "leader observed"),
    });
    this.elector.start();
  }

  /** Stops the controllers (finishing the keys in hand) and releases the Lease. */
  async stop(): Promise<void> {
    if (!this.stopping) return;
    this.stopping.abort();
    await this.elector?.stop();
    await this.running;
    await Promise.all([...this.runs]);
    this.elector = undefined;
    this.stopping = undefined;
    this.running = undefined;
  }

  /** One term of office: fresh informers and controllers, run until `signal` aborts. */
  private async runControllers(signal: AbortSignal): Promise<void> {
    const { client } = this.opts;
    const clock = this.opts.clock ?? realClock;
    const informers = new SharedInformers(client, this.log);
    const recorders: EventRecorder[] = [];
    const recorder = (component: string) => {
      const r = new EventRecorder({ client, component, clock, logger: this.log });
      recorders.push(r);
      return r;
    };
    const controllers: Controller[] = [];
    for (const name of this.names) {
      switch (name) {
        case "replicaset":
          controllers.push(
            new ReplicaSetController({
              client,
              informers,
              events: recorder("replicaset-controller"),
              log: this.log,
              clock,
            }),
          );
          break;
        case "deployment":
          controllers.push(
            new DeploymentController({
              client,
              informers,
              events: recorder("deployment-controller"),
              log: this.log,
              clock,
            }),
          );
          break;
        case "garbagecollector":
          controllers.push(
            new GarbageCollector({
              client,
              informers,
              events: recorder("garbage-collector-controller"),
              log: this.log,
            }),
          );
          break;
        case "nodeipam":
          controllers.push(
            new NodeIpamController({
              client,
              informers,
              events: recorder("node-ipam-controller"),
              log: this.log,
              ...(this.opts.clusterCIDR ? { clusterCIDR: this.opts.clusterCIDR } : {}),
              ...(this.opts.nodeCIDRMaskSize ? { nodeCIDRMaskSize: this.opts.nodeCIDRMaskSize } : {}),
            }),
          );
          break;
        case "endpoints":
          controllers.push(
            new EndpointsController({
              client,
              informers,
              events: recorder("endpoint-controller"),
              log: this.log,
            }),
          );
          break;
        case "disruption":
          controllers.push(
            new DisruptionController({
              client,
              informers,
              events: recorder("controllermanager"),
              log: this.log,
              clock,
            }),
          );
          break;
        case "nodelifecycle":
          controllers.push(
            new NodeLifecycleController({
              client,
              informers,
              events: recorder("node-controller"),
              log: this.log,
              clock,
              ...this.opts.nodeLifecycle,
            }),
          );
          break;
        case "tainteviction":
          controllers.push(
            new TaintEvictionController({
              client,
              informers,
              events: recorder("taint-eviction-controller"),
              log: this.log,
              clock,
            }),
          );
          break;
        case "namespace":
          controllers.push(
            new NamespaceController({
              client,
              informers,
              events: recorder("namespace-controller"),
              log: this.log,
            }),
          );
          break;
      }
    }
    informers.start();
    try {
      if (!(await informers.waitForSync(signal))) return;
      this.log.info({ controllers: this.names }, "caches synced; controllers running");
      const workers = this.opts.workers ?? 5;
      await Promise.all(controllers.map((c) => c.run(workers, signal)));
    } finally {
      await informers.stop();
      await Promise.all(recorders.map((r) => r.flush()));
    }
  }
}

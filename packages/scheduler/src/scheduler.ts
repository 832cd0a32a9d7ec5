import type { Node, Pod, PodCondition } from "@minik8s/api";
import { isConflict, isNotFound, kindForApiVersion } from "@minik8s/api";
import { rfc3339 } from "@minik8s/api/time";
import {
  type Client,
  type Clock,
  type EventRecorder,
  Informer,
  type Logger,
  objectKey,
  realClock,
  silentLogger,
} from "@minik8s/client";
import { Binder } from "./binder.js";
import { DEFAULT_SCHEDULER_NAME } from "./config.js";
import type { Framework } from "./framework/framework.js";
import type { Status } from "./framework/types.js";
import { SchedulerCache, type SchedulerCacheOptions } from "./scheduler-cache.js";
import { type QueuedPodInfo, SchedulingQueue, type SchedulingQueueOptions } from "./scheduling-queue.js";

/** The loop hands the event loop to I/O at least this often. */
const YIELD_EVERY_MS = 10;
/**
 * kube-scheduler binds each pod in its own goroutine, limited only by its client's QPS. Here a
 * bound keeps assumed-but-unbound pods from piling up: enough to cover the apiserver's latency
 * under a burst (at 40 ms a binding, 128 in flight still allow 3,000 bindings a second).
 */
export const DEFAULT_BIND_CONCURRENCY = 128;

const PODS = kindForApiVersion("v1", "Pod")!;
const NODES = kindForApiVersion("v1", "Node")!;

export interface SchedulerOptions {
  client: Client;
  /** schedulerName → the framework of that profile; pods naming another scheduler are left alone. */
  profiles: Map<string, Framework>;
  /** Where Scheduled and FailedScheduling events go. */
  recorder: EventRecorder;
  logger?: Logger;
  /** Log each decision's filtered-out nodes and score table (costly: debug level only). */
  explain?: boolean;
  clock?: Clock;
  /** Bindings in flight at once. Default DEFAULT_BIND_CONCURRENCY. */
  bindConcurrency?: number;
  queue?: SchedulingQueueOptions;
  cache?: SchedulerCacheOptions;
  /** Called after each successful binding (benchmarks, tests). */
  onBound?: (pod: Pod, nodeName: string, latencyMs: number) => void;
}

export interface SchedulerStats {
  attempts: number;
  bound: number;
  unschedulable: number;
  errors: number;
}

type Failure = { unschedulable: boolean; reason: string; message: string; plugins?: string[] };

/**
 * The scheduler's loop, as kube-scheduler's scheduleOne: pop the next pending pod, run its
 * profile's filters and scores over a snapshot of the cache, assume it onto the chosen node, and
 * start the binding cycle without waiting for it — the next pod is scheduled while the Binding is
 * on the wire. Nothing fits: PodScheduled=False (reason Unschedulable) on the pod, a
 * FailedScheduling event, and the pod waits in the queue for something that could help.
 *
 * Informers on nodes and on all pods feed the cache (bound pods, nodes) and the queue (pending
 * pods whose schedulerName is one of ours). `start` runs them; `run` schedules until its signal
 * aborts (with leader election, only the leader runs, while every candidate keeps its cache warm).
 */
export class Scheduler {
  readonly queue: SchedulingQueue;
  readonly cache: SchedulerCache;
  readonly binder: Binder;
  readonly nodes: Informer<Node>;
  readonly pods: Informer<Pod>;
  readonly stats: SchedulerStats = { attempts: 0, bound: 0, unschedulable: 0, errors: 0 };
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly recorder: EventRecorder;
  private readonly profiles: Map<string, Framework>;
  private readonly bindings = new Set<Promise<void>>();
  /** Unschedulable status writes not yet answered, by pod uid: the binding waits for them. */
  private readonly statusWrites = new Map<string, Promise<void>>();
  private running: Promise<void> | undefined;

  constructor(private readonly opts: SchedulerOptions) {
    this.client = opts.client;
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? silentLogger;
    this.recorder = opts.recorder;
    this.profiles = opts.profiles;
    this.queue = new SchedulingQueue({ clock: this.clock, logger: this.log, ...opts.queue });
    this.cache = new SchedulerCache({ clock: this.clock, logger: this.log, ...opts.cache });
    this.binder = new Binder(this.client, opts.bindConcurrency ?? DEFAULT_BIND_CONCURRENCY);
    this.nodes = new Informer<Node>(this.client, { resource: NODES, clock: this.clock, logger: this.log });
    this.pods = new Informer<Pod>(this.client, { resource: PODS, clock: this.clock, logger: this.log });
    this.nodes.addEventHandler({
      onAdd: (node) => this.nodeAdded(node),
      onUpdate: (old, node) => this.nodeUpdated(old, node),
      onDelete: (node) => this.cache.removeNode(node),
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  /** Starts the informers and the cache; resolves true once both informers have synced. */
  async start(signal?: AbortSignal): Promise<boolean> {
    this.cache.start();
    this.nodes.start();
    this.pods.start();
    const synced = await Promise.all([this.nodes.waitForSync(signal), this.pods.waitForSync(signal)]);
    return synced.every(Boolean);
  }

  /** Schedules pods until `signal` aborts; bindings already started finish in the background. */
  run(signal: AbortSignal): Promise<void> {
    const loop = this.loop(signal);
    this.running = loop;
    return loop;
  }

  /** Stops everything: the loop, the informers, and waits for bindings and events in flight. */
  async stop(): Promise<void> {
    this.queue.close();
    await this.running;
    await Promise.allSettled([...this.bindings]);
    await Promise.allSettled([...this.statusWrites.values()]);
    await Promise.all([this.nodes.stop(), this.pods.stop()]);
    this.cache.stop();
    await this.recorder.flush();
  }

  private async loop(signal: AbortSignal): Promise<void> {
    this.log.info({ profiles: [...this.profiles.keys()] }, "scheduling");
    let lastYield = performance.now();
    while (!signal.aborted) {
      // A pod ready in the queue resolves pop() at once: give informers and bindings a turn now
      // and then, or a long queue would starve them.
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      // A binding slot first: when the apiserver is slow, the loop waits here instead of
      // assuming ever more pods it cannot bind yet.
      await this.binder.acquire();
      const info = await this.queue.pop(signal);
      if (!info) {
        this.binder.release();
        break;
      }
      let bound = false;
      try {
        bound = this.scheduleOne(info);
      } catch (err) {
        this.log.error({ pod: info.key, err: (err as Error).message }, "scheduling cycle threw");
        this.fail(info, this.queue.schedulingCycle, {
          unschedulable: false,
          reason: "SchedulerError",
          message: (err as Error).message,
        });
      }
      if (!bound) this.binder.release();
    }
    this.log.info({}, "stopped scheduling");
  }

  /**
   * One scheduling cycle, synchronous from snapshot to assume so that no informer event can
   * change the cache in between. True when a binding cycle was started (it holds the slot).
   */
  private scheduleOne(info: QueuedPodInfo): boolean {
    const cycle = this.queue.schedulingCycle;
    const pod = this.latest(info);
    if (!pod) {
      this.queue.done(info.key);
      return false;
    }
    info.pod = pod;
    const framework = this.profiles.get(pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME);
    if (!framework) {
      this.queue.done(info.key);
      return false;
    }
    this.stats.attempts++;
    const snapshot = this.cache.snapshot();
    const result = framework.schedule(pod, snapshot, { breakdown: this.opts.explain === true });
    if (this.opts.explain) {
      const numNodes = snapshot.nodes().length;
      this.log.debug(
        { pod: info.key, node: result.node, explain: framework.explain(pod, result, numNodes) },
        "scheduling decision",
      );
    }
    if (result.error) {
      this.fail(info, cycle, {
        unschedulable: false,
        reason: "SchedulerError",
        message: statusText(result.error),
      });
      return false;
    }
    const host = result.node;
    if (!host) {
      const plugins = [
        ...new Set([...result.diagnosis.values()].flatMap((s) => (s.plugin ? [s.plugin] : []))),
      ];
      this.fail(info, cycle, {
        unschedulable: true,
        reason: "Unschedulable",
        message: result.message ?? "no node fits",
        plugins,
      });
      return false;
    }
    const assumed: Pod = { ...pod, spec: { ...pod.spec, nodeName: host } };
    const err = this.cache.assumePod(assumed);
    if (err) {
      this.fail(info, cycle, { unschedulable: false, reason: "SchedulerError", message: err.message });
      return false;
    }
    const reserved = framework.runReserve(result.state, assumed, host);
    if (reserved.code !== "Success") {
      this.cache.forgetPod(assumed);
      this.fail(info, cycle, {
        unschedulable: false,
        reason: "SchedulerError",
        message: statusText(reserved),
      });
      return false;
    }
    const binding = this.bindingCycle(info, assumed, host, cycle, () =>
      framework.runUnreserve(result.state, assumed, host),
    );
    this.bindings.add(binding);
    void binding.finally(() => this.bindings.delete(binding));
    return true;
  }

  /** kube-scheduler's binding cycle: runs beside the scheduling of the next pods. */
  private async bindingCycle(
    info: QueuedPodInfo,
    assumed: Pod,
    host: string,
    cycle: number,
    unreserve: () => void,
  ): Promise<void> {
    const uid = assumed.metadata?.uid ?? info.key;
    const pendingStatus = this.statusWrites.get(uid);
    if (pendingStatus) await pendingStatus; // an earlier PodScheduled=False must not land after the binding
    const result = await this.binder.bind(assumed, host);
    if (result.ok) {
      this.cache.finishBinding(assumed);
      this.queue.done(info.key);
      this.stats.bound++;
      const latencyMs = this.clock.now() - info.initialAttemptTimestamp;
      this.log.info({ pod: info.key, node: host, attempts: info.attempts, latencyMs }, "bound");
      this.recorder.event(assumed, "Normal", "Scheduled", `Successfully assigned ${info.key} to ${host}`);
      this.opts.onBound?.(assumed, host, latencyMs);
      return;
    }
    unreserve();
    this.cache.forgetPod(assumed);
    // The forgotten pod's requests are free again: pods waiting for room may fit now.
    this.queue.moveAllToActiveOrBackoff("BindingFailed");
    const current = this.pods.get(info.key);
    const gone = !current || current.metadata?.uid !== assumed.metadata?.uid || current.spec.nodeName;
    if (gone && (isConflict(result.error) || isNotFound(result.error))) {
      // Deleted meanwhile, or bound by another scheduler: nothing left to do.
      this.log.info(
        { pod: info.key, node: host, err: result.error.message },
        "binding refused; pod is gone or bound",
      );
      this.queue.done(info.key);
      return;
    }
    this.fail(info, cycle, {
      unschedulable: false,
      reason: "SchedulerError",
      message: `binding rejected: ${result.error.message}`,
    });
  }

  /** A failed attempt: log, event, pod condition, and back into the queue. */
  private fail(info: QueuedPodInfo, cycle: number, failure: Failure): void {
    if (failure.unschedulable) this.stats.unschedulable++;
    else this.stats.errors++;
    this.log.info(
      { pod: info.key, attempts: info.attempts, reason: failure.reason, message: failure.message },
      "unable to schedule pod",
    );
    const requeued = this.queue.requeue(info, {
      unschedulable: failure.unschedulable,
      cycle,
      ...(failure.plugins ? { plugins: failure.plugins } : {}),
    });
    if (!requeued) return; // deleted meanwhile
    this.recorder.event(info.pod, "Warning", "FailedScheduling", failure.message);
    this.setUnscheduledCondition(info.pod, failure.reason, failure.message);
  }

  /** PATCH pods/status with PodScheduled=False, when it says something new. */
  private setUnscheduledCondition(pod: Pod, reason: string, message: string): void {
    const current = this.pods.get(objectKey(pod)) ?? pod;
    const existing = current.status?.conditions?.find((c) => c.type === "PodScheduled");
    if (existing?.status === "False" && existing.reason === reason && existing.message === message) return;
    const now = rfc3339(this.clock.now());
    const condition: PodCondition = {
      type: "PodScheduled",
      status: "False",
      reason,
      message,
      lastTransitionTime: existing?.status === "False" ? (existing.lastTransitionTime ?? now) : now,
    };
    const uid = pod.metadata?.uid ?? objectKey(pod);
    const previous = this.statusWrites.get(uid) ?? Promise.resolve();
    const write = previous
      .then(() =>
        this.client.patch(
          PODS,
          pod.metadata?.namespace,
          pod.metadata?.name ?? "",
          "application/strategic-merge-patch+json",
          { metadata: { uid: pod.metadata?.uid }, status: { conditions: [condition] } },
          { subresource: "status" },
        ),
      )
      .then(
        () => undefined,
        (err: unknown) => {
          if (!isNotFound(err)) {
            this.log.warn({ pod: objectKey(pod), err: (err as Error).message }, "cannot update pod status");
          }
        },
      )
      .finally(() => {
        if (this.statusWrites.get(uid) === write) this.statusWrites.delete(uid);
      });
    this.statusWrites.set(uid, write);
  }

  /** The pod as the informer has it now; undefined when it should not be scheduled any more. */
  private latest(info: QueuedPodInfo): Pod | undefined {
    const pod = this.pods.get(info.key);
    if (!pod || pod.metadata?.uid !== info.pod.metadata?.uid) return undefined;
    if (pod.metadata?.deletionTimestamp || pod.spec.nodeName) return undefined;
    if (this.cache.isAssumed(pod)) return undefined;
    return pod;
  }

  // ---- informer events ----------------------------------------------------------------------

  /**
   * Ours to schedule: a profile of ours is named, the pod is not terminating, and no scheduling
   * gate holds it back (kube-scheduler's SchedulingGates PreEnqueue keeps it out of the queue).
   */
  private schedulable(pod: Pod): boolean {
    return (
      this.profiles.has(pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME) &&
      !pod.metadata?.deletionTimestamp &&
      !isTerminal(pod) &&
      (pod.spec.schedulingGates ?? []).length === 0
    );
  }

  private podAdded(pod: Pod): void {
    if (isTerminal(pod)) return;
    if (pod.spec.nodeName) this.cache.addPod(pod);
    else if (this.schedulable(pod)) this.queue.add(pod);
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (old.spec.nodeName) {
      if (isTerminal(pod)) {
        this.cache.removePod(pod);
        this.queue.moveAllToActiveOrBackoff("AssignedPodDelete");
        return;
      }
      this.cache.updatePod(old, pod);
      if (!sameLabels(old, pod)) this.queue.moveAllToActiveOrBackoff("AssignedPodUpdate");
      return;
    }
    if (pod.spec.nodeName) {
      // Just bound, by us (confirming the assumption) or by someone else.
      this.queue.delete(pod);
      if (!isTerminal(pod)) this.cache.addPod(pod);
      return;
    }
    if (this.schedulable(pod)) this.queue.update(old, pod);
    else this.queue.delete(pod);
  }

  private podDeleted(pod: Pod): void {
    this.queue.delete(pod);
    // Also drops an assumption for a pod deleted before its binding was seen.
    const held = this.cache.nodeOf(pod) !== undefined;
    this.cache.removePod(pod);
    if (held) this.queue.moveAllToActiveOrBackoff("AssignedPodDelete");
  }

  private nodeAdded(node: Node): void {
    this.cache.addNode(node);
    this.queue.moveAllToActiveOrBackoff("NodeAdd");
  }

  private nodeUpdated(old: Node, node: Node): void {
    this.cache.updateNode(old, node);
    if (schedulingRelevantNodeChange(old, node)) this.queue.moveAllToActiveOrBackoff("NodeUpdate");
  }
}

function statusText(status: Status): string {
  return status.reasons.join(", ") || status.code;
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

function sameLabels(a: Pod, b: Pod): boolean {
  return JSON.stringify(a.metadata?.labels ?? {}) === JSON.stringify(b.metadata?.labels ?? {});
}

/** Heartbeats change a node every few seconds; only what a filter reads is worth a retry. */
function schedulingRelevantNodeChange(old: Node, node: Node): boolean {
  const relevant = (n: Node) =>
    JSON.stringify([
      n.metadata?.labels ?? {},
      n.spec?.unschedulable ?? false,
      n.spec?.taints ?? [],
      n.status?.allocatable ?? n.status?.capacity ?? {},
      (n.status?.conditions ?? []).map((c) => [c.type, c.status]),
    ]);
  return relevant(old) !== relevant(node);
}

import type { Pod } from "@minik8s/api";
import { type Clock, type Logger, objectKey, realClock, silentLogger } from "@minik8s/client";
import { Heap } from "./heap.js";

/** A pod waiting to be scheduled, with what the queue knows about its past attempts. */
export interface QueuedPodInfo {
  pod: Pod;
  /** `namespace/name` */
  key: string;
  /** When it last entered a queue: orders the active queue after priority, and starts its backoff. */
  timestamp: number;
  /** When it was first queued: the start of its end-to-end scheduling latency. */
  initialAttemptTimestamp: number;
  /** Scheduling attempts so far (counted at pop). */
  attempts: number;
  /** The plugins that rejected it last time, for logs. */
  unschedulablePlugins: Set<string>;
}

/** Something that happened in the cluster that could make an unschedulable pod fit. */
export type ClusterEvent =
  | "NodeAdd"
  | "NodeUpdate"
  | "AssignedPodDelete"
  | "AssignedPodUpdate"
  | "BindingFailed"
  | "UnschedulableTimeout";

export interface SchedulingQueueOptions {
  clock?: Clock;
  logger?: Logger;
  /** First backoff after a failed attempt; doubles per attempt. Default 1 s. */
  initialBackoffMs?: number;
  /** Backoff cap. Default 10 s. */
  maxBackoffMs?: number;
  /** An unschedulable pod is retried after this long even if nothing happened. Default 60 s. */
  maxUnschedulableMs?: number;
}

/**
 * kube-scheduler's PriorityQueue, in three parts:
 * - active: pods ready to be tried, highest `spec.priority` first, then longest waiting;
 * - backoff: pods that failed recently, each waiting 1 s, 2 s, 4 s ... up to 10 s;
 * - unschedulable: pods nothing fits; they go back to backoff or active when a cluster event
 *   could help (a node added or changed, an assigned pod deleted), or after 60 s in any case.
 *
 * Where it differs: kube-scheduler asks each plugin's queueing hints which events could help
 * which pod; here any event moves every unschedulable pod, and the backoff queue keeps them
 * from being retried in a tight loop.
 */
export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private readonly active = new Heap<QueuedPodInfo>(
    (p) => p.key,
    (a, b) => {
      const pa = a.pod.spec.priority ?? 0;
      const pb = b.pod.spec.priority ?? 0;
      return pa !== pb ? pa > pb : a.timestamp < b.timestamp;
    },
  );
  private readonly backoff = new Heap<QueuedPodInfo>(
    (p) => p.key,
    (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
  );
  /** Insertion order is entry order, so the first one is always the one waiting longest. */
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /** Popped and not yet requeued or done; `pod` is undefined once the pod was deleted meanwhile. */
  private readonly inFlight = new Map<string, { pod: Pod | undefined }>();
  private waiters: ((info: QueuedPodInfo | undefined) => void)[] = [];
  private timer: { at: number; cancel: () => void } | undefined;
  private closed = false;
  /** Incremented at each pop: lets a failure tell whether a move request happened meanwhile. */
  private cycle = 0;
  private moveRequestCycle = -1;

  constructor(opts: SchedulingQueueOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? silentLogger;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxUnschedulableMs ?? 60_000;
  }

  /** The number of the last pop. */
  get schedulingCycle(): number {
    return this.cycle;
  }

  /** Sizes of the three queues and of the pods being scheduled or bound. */
  stats(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return {
      active: this.active.size,
      backoff: this.backoff.size,
      unschedulable: this.unschedulable.size,
      inFlight: this.inFlight.size,
    };
  }

  /** Where a pod is: "active", "backoff", "unschedulable", "inFlight" or undefined. */
  where(key: string): "active" | "backoff" | "unschedulable" | "inFlight" | undefined {
    if (this.active.has(key)) return "active";
    if (this.backoff.has(key)) return "backoff";
    if (this.unschedulable.has(key)) return "unschedulable";
    if (this.inFlight.has(key)) return "inFlight";
    return undefined;
  }

  /** A new pending pod: straight to the active queue. */
  add(pod: Pod): void {
    const key = objectKey(pod);
    if (this.closed || this.inFlight.has(key)) return;
    const known = this.find(key);
    if (known) {
      this.update(known.pod, pod);
      return;
    }
    const now = this.clock.now();
    this.pushActive({
      pod,
      key,
      timestamp: now,
      initialAttemptTimestamp: now,
      attempts: 0,
      unschedulablePlugins: new Set(),
    });
  }

  /**
   * A pending pod changed. In active or backoff it is updated where it is; an unschedulable pod
   * whose spec, labels or annotations changed (a toleration added, say) is tried again.
   */
  update(oldPod: Pod, newPod: Pod): void {
    const key = objectKey(newPod);
    const flying = this.inFlight.get(key);
    if (flying) {
      flying.pod = newPod;
      return;
    }
    const queued = this.active.get(key) ?? this.backoff.get(key);
    if (queued) {
      queued.pod = newPod;
      if (this.active.has(key)) this.active.push(queued);
      else this.backoff.push(queued);
      return;
    }
    const waiting = this.unschedulable.get(key);
    if (!waiting) {
      this.add(newPod);
      return;
    }
    waiting.pod = newPod;
    if (!schedulingRelevantChange(oldPod, newPod)) return;
    this.unschedulable.delete(key);
    this.log.debug({ pod: key, event: "PodUpdate" }, "pod changed; retrying it");
    this.requeueMoved(waiting);
  }

  delete(pod: Pod): void {
    const key = objectKey(pod);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    const flying = this.inFlight.get(key);
    if (flying) flying.pod = undefined;
  }

  /** The next pod to schedule, without waiting; undefined when the active queue is empty. */
  tryPop(): QueuedPodInfo | undefined {
    this.flush();
    const info = this.active.pop();
    if (!info) return undefined;
    return this.take(info);
  }

  /** The next pod to schedule; waits for one. Undefined once `signal` aborts or the queue closes. */
  pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    const ready = this.closed ? undefined : this.tryPop();
    if (ready || this.closed || signal?.aborted) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const wake = (info: QueuedPodInfo | undefined) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(info);
      };
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(undefined);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(wake);
    });
  }

  /**
   * After a failed attempt. An unschedulable pod waits for a cluster event, unless one came while
   * it was being tried (then it backs off, as after an error). Returns false when the pod was
   * deleted meanwhile and is gone for good.
   */
  requeue(info: QueuedPodInfo, opts: { unschedulable: boolean; cycle: number; plugins?: string[] }): boolean {
    const flying = this.inFlight.get(info.key);
    this.inFlight.delete(info.key);
    if (this.closed) return false;
    if (flying && !flying.pod) return false;
    if (flying?.pod) info.pod = flying.pod;
    if (this.find(info.key)) return true;
    info.timestamp = this.clock.now();
    info.unschedulablePlugins = new Set(opts.plugins ?? []);
    if (!opts.unschedulable || this.moveRequestCycle >= opts.cycle) {
      this.backoff.push(info);
      this.arm(this.backoffExpiry(info));
    } else {
      this.unschedulable.set(info.key, info);
      this.arm(info.timestamp + this.maxUnschedulableMs);
    }
    return true;
  }

  /** The pod was bound (or dropped): the queue forgets it. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /** A cluster event that could help: every unschedulable pod goes to backoff or active. */
  moveAllToActiveOrBackoff(event: ClusterEvent): void {
    this.moveRequestCycle = this.cycle;
    if (this.unschedulable.size === 0) return;
    const moved = [...this.unschedulable.values()];
    this.unschedulable.clear();
    for (const info of moved) this.requeueMoved(info);
    this.log.debug({ event, pods: moved.length }, "moved unschedulable pods back to be retried");
  }

  /** Moves due backoff pods to active and long-unschedulable pods back; called by the timer too. */
  flush(): void {
    const now = this.clock.now();
    for (
      let head = this.backoff.peek();
      head && this.backoffExpiry(head) <= now;
      head = this.backoff.peek()
    ) {
      this.backoff.pop();
      this.pushActive(head);
    }
    const stale: QueuedPodInfo[] = [];
    for (const info of this.unschedulable.values()) {
      if (now - info.timestamp < this.maxUnschedulableMs) break;
      stale.push(info);
    }
    for (const info of stale) {
      this.unschedulable.delete(info.key);
      this.log.debug({ pod: info.key, event: "UnschedulableTimeout" }, "retrying a long-unschedulable pod");
      this.requeueMoved(info);
    }
  }

  /** Wakes every waiting pop with undefined and stops the timer. */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    for (const wake of this.waiters.splice(0)) wake(undefined);
  }

  /** 1 s, 2 s, 4 s ... capped, counted from the last failure. */
  backoffDuration(info: QueuedPodInfo): number {
    const exponent = Math.max(0, info.attempts - 1);
    return Math.min(this.initialBackoffMs * 2 ** Math.min(exponent, 30), this.maxBackoffMs);
  }

  private backoffExpiry(info: QueuedPodInfo): number {
    return info.timestamp + this.backoffDuration(info);
  }

  private find(key: string): QueuedPodInfo | undefined {
    return this.active.get(key) ?? this.backoff.get(key) ?? this.unschedulable.get(key);
  }

  private take(info: QueuedPodInfo): QueuedPodInfo {
    info.attempts++;
    this.cycle++;
    this.inFlight.set(info.key, { pod: info.pod });
    return info;
  }

  /** A pod leaving the unschedulable set: to backoff while its backoff lasts, else to active. */
  private requeueMoved(info: QueuedPodInfo): void {
    const expiry = this.backoffExpiry(info);
    if (expiry > this.clock.now()) {
      this.backoff.push(info);
      this.arm(expiry);
    } else {
      this.pushActive(info);
    }
  }

  private pushActive(info: QueuedPodInfo): void {
    const wake = this.waiters.shift();
    if (wake) wake(this.take(info));
    else this.active.push(info);
  }

  /** Keeps one timer, at the earliest deadline that anything in backoff or unschedulable has. */
  private arm(at: number): void {
    if (this.closed || (this.timer && this.timer.at <= at)) return;
    this.timer?.cancel();
    const cancel = this.clock.setTimer(() => this.onTimer(), at - this.clock.now());
    this.timer = { at, cancel };
  }

  private onTimer(): void {
    this.timer = undefined;
    this.flush();
    const head = this.backoff.peek();
    if (head) this.arm(this.backoffExpiry(head));
    const oldest = this.unschedulable.values().next();
    if (!oldest.done) this.arm(oldest.value.timestamp + this.maxUnschedulableMs);
  }
}

/** kube-scheduler's isPodUpdated: a change other than status and resourceVersion. */
function schedulingRelevantChange(oldPod: Pod, newPod: Pod): boolean {
  const strip = (p: Pod) =>
    JSON.stringify([p.spec, p.metadata?.labels ?? {}, p.metadata?.annotations ?? {}, p.metadata?.generation]);
  return strip(oldPod) !== strip(newPod);
}

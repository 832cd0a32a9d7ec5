import { kindForApiVersion } from "@minik8s/api/registry";
import type { Event } from "@minik8s/api/schemas/core";
import { isNotFound } from "@minik8s/api/status-error";
import { rfc3339 } from "@minik8s/api/time";
import { type Clock, realClock } from "./clock.js";
import type { KubeObject } from "./kube-object.js";
import { type Logger, silentLogger } from "./logger.js";
import type { Client } from "./rest-client.js";

export type EventType = "Normal" | "Warning";

export interface EventRecorderOptions {
  client: Client;
  /** `source.component` and `reportingComponent`: "default-scheduler", "kubelet" ... */
  component: string;
  /** `source.host` and `reportingInstance`: the node, or the process's identity. */
  host?: string;
  clock?: Clock;
  logger?: Logger;
  /** Distinct events remembered for aggregation, least recently used forgotten first. Default 4096. */
  cacheSize?: number;
  /** Writes waiting at most; beyond that new events are dropped and logged. Default 1000. */
  maxPending?: number;
}

interface Recorded {
  /** The Event object's name and namespace, once created. */
  name?: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  /** Writes for one event run one after another, so a repeat never races its own create. */
  chain: Promise<void>;
}

const EVENTS = kindForApiVersion("v1", "Event")!;

/**
 * client-go's EventRecorder with its EventCorrelator's logger: `event(pod, "Warning",
 * "FailedScheduling", msg)` writes a core/v1 Event about the pod; the same event again (same
 * object, type, reason and message) bumps `count` and `lastTimestamp` of the existing Event with
 * a PATCH instead of creating another. Writes happen in the background: recording never blocks
 * or fails the caller.
 *
 * Where it differs: client-go also folds *similar* events (same reason, different messages) into
 * one "(combined from similar events)" after ten in ten minutes, and rate-limits per object;
 * here only identical events aggregate, and a bounded backlog is the only limit.
 */
export class EventRecorder {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly cacheSize: number;
  private readonly maxPending: number;
  private readonly recorded = new Map<string, Recorded>();
  private readonly writes = new Set<Promise<void>>();
  private seq = 0;

  constructor(private readonly opts: EventRecorderOptions) {
    this.client = opts.client;
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? silentLogger;
    this.cacheSize = opts.cacheSize ?? 4096;
    this.maxPending = opts.maxPending ?? 1000;
  }

  /** Records an event about `obj`; returns at once. */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const meta = obj.metadata ?? {};
    const what = `${obj.kind ?? "?"} ${meta.namespace ? `${meta.namespace}/` : ""}${meta.name ?? ""}`;
    if (this.writes.size >= this.maxPending) {
      this.log.warn({ object: what, reason }, "too many events waiting to be written; dropping this one");
      return;
    }
    // NUL cannot occur in any of these fields, so joined with it they make an unambiguous key.
    const key = [obj.apiVersion, obj.kind, meta.namespace, meta.name, meta.uid, type, reason, message].join(
      "\0",
    );
    const now = rfc3339(this.clock.now());
    let entry = this.recorded.get(key);
    if (entry) this.recorded.delete(key); // re-inserted below: most recently used last
    entry ??= {
      namespace: meta.namespace || "default",
      count: 0,
      firstTimestamp: now,
      chain: Promise.resolve(),
    };
    this.recorded.set(key, entry);
    this.evictOldest();
    const current = entry;
    const write = current.chain.then(() => this.write(obj, current, type, reason, message, now));
    current.chain = write;
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  /** Waits until every event recorded so far is written (or failed). For shutdown and tests. */
  async flush(): Promise<void> {
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  private async write(
    obj: KubeObject,
    entry: Recorded,
    type: EventType,
    reason: string,
    message: string,
    now: string,
  ): Promise<void> {
    try {
      if (entry.name) {
        try {
          await this.client.patch(EVENTS, entry.namespace, entry.name, "application/merge-patch+json", {
            count: entry.count + 1,
            lastTimestamp: now,
          });
          entry.count++;
          return;
        } catch (err) {
          if (!isNotFound(err)) throw err;
          // Someone deleted it (or it expired): start a new one.
          entry.name = undefined;
          entry.count = 0;
          entry.firstTimestamp = now;
        }
      }
      const created = await this.client.create<Event>(this.eventFor(obj, entry, type, reason, message, now));
      entry.name = created.metadata?.name;
      entry.count = 1;
    } catch (err) {
      this.log.warn(
        {
          object: `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`,
          reason,
          err: (err as Error).message,
        },
        "cannot write event",
      );
    }
  }

  private eventFor(
    obj: KubeObject,
    entry: Recorded,
    type: EventType,
    reason: string,
    message: string,
    now: string,
  ): Event {
    const meta = obj.metadata ?? {};
    const involvedName = meta.name ?? "";
    // As client-go: the object's name and the time in hex nanoseconds (plus a sequence, so two
    // events in one millisecond do not collide).
    const nanos = BigInt(this.clock.now()) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    return {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${involvedName}.${nanos.toString(16)}`, namespace: entry.namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        namespace: meta.namespace,
        name: involvedName,
        uid: meta.uid,
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: entry.firstTimestamp,
      lastTimestamp: now,
      source: { component: this.opts.component, ...(this.opts.host ? { host: this.opts.host } : {}) },
      reportingComponent: this.opts.component,
      reportingInstance: this.opts.host ?? "",
    };
  }

  private evictOldest(): void {
    while (this.recorded.size > this.cacheSize) {
      const oldest = this.recorded.keys().next();
      if (oldest.done) return;
      this.recorded.delete(oldest.value);
    }
  }
}

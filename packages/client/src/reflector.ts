import { isGone } from "@minik8s/api/status-error";
import { Backoff } from "./backoff.js";
import { type Clock, realClock, sleep } from "./clock.js";
import type { KubeObject, ObjectList, ResourceRef } from "./kube-object.js";
import { type Logger, silentLogger } from "./logger.js";
import type { Client } from "./rest-client.js";
import type { WatchStream, WatchStreamEvent } from "./watch-stream.js";

/** The two calls a reflector makes; a Client and a resource make one (`listWatcherFor`). */
export interface ListWatcher<T> {
  list(signal: AbortSignal): Promise<ObjectList<T>>;
  watch(resourceVersion: string, signal: AbortSignal): Promise<WatchStream<T>>;
}

export interface ListWatchScope {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
}

export function listWatcherFor<T extends KubeObject>(
  client: Client,
  resource: ResourceRef,
  scope: ListWatchScope = {},
): ListWatcher<T> {
  return {
    list: (signal) => client.list<T>(resource, { ...scope, signal }),
    watch: (resourceVersion, signal) =>
      client.watch<T>(resource, { ...scope, resourceVersion, allowWatchBookmarks: true, signal }),
  };
}

/** Where a reflector puts what it learns: the informer's cache and event dispatch. */
export interface ReflectorStore<T> {
  /** A full list: the store becomes exactly these objects. */
  replace(items: T[], resourceVersion: string): void;
  added(obj: T): void;
  modified(obj: T): void;
  deleted(obj: T): void;
}

export interface ReflectorOptions<T> {
  /** Names the reflector in logs, e.g. `pods` or `pods spec.nodeName=node-1`. */
  name: string;
  listWatcher: ListWatcher<T>;
  store: ReflectorStore<T>;
  clock?: Clock;
  logger?: Logger;
  /** Waits between failed attempts; client-go's defaults are 800 ms doubling to 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
}

/**
 * client-go's Reflector: list once, then watch from the list's resourceVersion and feed every
 * event to the store. When a watch ends or breaks it resumes from the last resourceVersion seen
 * (nothing is missed, nothing replayed); only when the server says that version is gone (410)
 * does it list again. Failures wait with exponential backoff, so a down apiserver is not
 * hammered.
 */
export class Reflector<T extends KubeObject> {
  private resourceVersion = "";
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly backoff: Backoff;

  constructor(private readonly opts: ReflectorOptions<T>) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? silentLogger;
    this.backoff = new Backoff(opts.backoff?.initialMs ?? 800, opts.backoff?.maxMs ?? 30_000);
  }

  /** The resourceVersion the cache is up to date with. */
  get lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { name, listWatcher } = this.opts;
    let needList = true;
    while (!signal.aborted) {
      if (needList) {
        try {
          const list = await listWatcher.list(signal);
          this.resourceVersion = list.metadata?.resourceVersion ?? "";
          this.opts.store.replace(list.items, this.resourceVersion);
          this.log.info(
            { resource: name, resourceVersion: this.resourceVersion, items: list.items.length },
            "listed; watching from here",
          );
          needList = false;
        } catch (err) {
          if (signal.aborted) break;
          await this.retryLater(signal, err, "list failed");
          continue;
        }
      }

      let stream: WatchStream<T>;
      try {
        stream = await listWatcher.watch(this.resourceVersion, signal);
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          needList = this.relist(err);
          continue;
        }
        await this.retryLater(signal, err, "watch failed");
        continue;
      }

      const started = this.clock.now();
      let events = 0;
      try {
        for await (const event of stream) {
          events++;
          this.apply(event);
        }
        if (signal.aborted) break;
        // A stream that lasted and delivered is healthy: resume at once. One that ended
        // straight away with nothing is a server in trouble: back off.
        if (events > 0 || this.clock.now() - started >= 1000) {
          this.backoff.reset();
          this.log.debug({ resource: name, resourceVersion: this.resourceVersion }, "watch ended; resuming");
        } else {
          await sleep(this.clock, this.backoff.next(), signal);
        }
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) needList = this.relist(err);
        else await this.retryLater(signal, err, "watch broke");
      } finally {
        stream.close();
      }
    }
  }

  private apply(event: WatchStreamEvent<T>): void {
    const rv = event.object.metadata?.resourceVersion;
    switch (event.type) {
      case "ADDED":
        this.opts.store.added(event.object);
        break;
      case "MODIFIED":
        this.opts.store.modified(event.object);
        break;
      case "DELETED":
        this.opts.store.deleted(event.object);
        break;
      case "BOOKMARK":
        break;
    }
    if (rv) this.resourceVersion = rv;
  }

  private relist(err: unknown): true {
    this.log.info(
      { resource: this.opts.name, resourceVersion: this.resourceVersion, reason: (err as Error).message },
      "resourceVersion is too old (410 Gone); listing again",
    );
    return true;
  }

  private async retryLater(signal: AbortSignal, err: unknown, what: string): Promise<void> {
    const wait = Math.round(this.backoff.next());
    this.log.warn(
      {
        resource: this.opts.name,
        resourceVersion: this.resourceVersion,
        err: (err as Error).message,
        retryInMs: wait,
      },
      `${what}; retrying`,
    );
    await sleep(this.clock, wait, signal);
  }
}

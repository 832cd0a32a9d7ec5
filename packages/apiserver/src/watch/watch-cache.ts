import { setImmediate as nextTurn } from "node:timers/promises";
import { StatusError } from "@minik8s/api";
import {
  isStoreError,
  type StoredValue,
  type StoreEvent,
  type StoreWatch,
  type WatchableStore,
} from "../storage/store.js";
import { CacheEvent, type Decorate, type ObjectFilter } from "./cache-event.js";
import { CacheWatcher } from "./cache-watcher.js";
import { EventHistory } from "./event-history.js";
import type { Logger } from "./logger.js";
import {
  cacheNotReady,
  cacheStopped,
  tooLargeResourceVersion,
  tooOldResourceVersion,
} from "./watch-errors.js";
import type { ApiObject, EventSource, WatchEvent } from "./watch-event.js";

export interface WatchCacheOptions {
  store: WatchableStore;
  /** The keys of one resource, e.g. `/registry/pods/`. */
  prefix: string;
  /** Events kept for watches that resume from a past revision. */
  capacity?: number;
  /** Live events one watcher may hold unread before it is dropped. */
  watcherCapacity?: number;
  /** Turns a stored value into the API object at `revision` (sets metadata.resourceVersion). */
  decorate: Decorate;
  /** For bookmarks. */
  kind?: string;
  apiVersion?: string;
  log?: Logger;
}

export interface CacheWatchOptions {
  /** Resume after this revision; undefined or 0 starts from the current state. */
  sinceRevision?: number;
  filter?: ObjectFilter;
  /**
   * Send the state as synthetic ADDED events first. Default: only when `sinceRevision` is unset
   * or 0. When true, the initial events end with a BOOKMARK annotated
   * `k8s.io/initial-events-end` (Kubernetes' sendInitialEvents).
   */
  initialEvents?: boolean;
}

interface Entry {
  value: StoredValue;
  object: ApiObject;
}

const DEFAULT_CAPACITY = 10_000;
const DEFAULT_WATCHER_CAPACITY = 1_000;
const FRESHNESS_TIMEOUT_MS = 3_000;
const FRESHNESS_POLL_MS = 50;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;
export const INITIAL_EVENTS_END = "k8s.io/initial-events-end";

/**
 * The apiserver's cache of one resource (Kubernetes' "cacher"): one store watch keeps an in-memory
 * copy of every object and a ring of recent events, and any number of client watches are served
 * from it, so a thousand watchers cost the store one watch.
 *
 * Where the store reports that the cache's watch fell behind (WatcherTooSlow) the cache resumes
 * from its last revision and nobody notices. Where history is gone (Compacted) it relists; every
 * client watch has then lost its place and ends with 410, and clients relist too.
 */
export class WatchCache {
  private readonly store: WatchableStore;
  private readonly prefix: string;
  private readonly decorate: Decorate;
  private readonly log: Logger | undefined;
  private readonly watcherCapacity: number;
  private readonly objects = new Map<string, Entry>();
  private readonly history: EventHistory;
  private readonly watchers = new Set<CacheWatcher>();
  /** Revision of the last list or store event applied. */
  private applied = 0;
  /** A revision the store confirmed the cache has seen everything up to (etcd's progress notify). */
  private progress = 0;
  private ready = false;
  private stopped = false;
  private storeWatch: StoreWatch | undefined;
  private loop: Promise<void> | undefined;
  /** True while the loop waits on the store watch with nothing applied since. */
  private idle = false;
  /** Bumped whenever the store watch is replaced, so a progress check can tell. */
  private epoch = 0;
  private progressCheck: Promise<void> | undefined;
  private changed: (() => void)[] = [];
  private retryTimer: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  constructor(private readonly opts: WatchCacheOptions) {
    this.store = opts.store;
    this.prefix = opts.prefix;
    this.decorate = opts.decorate;
    this.log = opts.log;
    this.watcherCapacity = opts.watcherCapacity ?? DEFAULT_WATCHER_CAPACITY;
    this.history = new EventHistory(opts.capacity ?? DEFAULT_CAPACITY, 0);
  }

  /** The newest revision the cache reflects. */
  get revision(): number {
    return Math.max(this.applied, this.progress);
  }

  /** How many client watches are open. */
  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Lists the prefix, then follows the store from the list's revision in the background. */
  async start(): Promise<void> {
    if (this.loop || this.stopped) return;
    await this.relist(true);
    this.loop = this.follow();
  }

  /** Ends the store watch and every client watch (their streams end; clients re-watch elsewhere). */
  async stop(): Promise<void> {
    this.halt();
    await this.loop;
  }

  private halt(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.ready = false;
    this.storeWatch?.close();
    this.cancelRetryWait();
    for (const watcher of [...this.watchers]) watcher.terminate();
    this.notifyChanged();
  }

  /**
   * Resolves once the cache reflects `revision`, for reads that must not go back in time; 504
   * "Too large resource version" after `timeoutMs`, as Kubernetes does.
   */
  async waitUntilFresh(revision: number, timeoutMs = FRESHNESS_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.stopped) throw cacheStopped(this.prefix);
      if (this.ready && this.revision >= revision) return;
      if (this.ready) await this.checkProgress();
      if (this.ready && this.revision >= revision) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        if (!this.ready) throw cacheNotReady(this.prefix);
        throw tooLargeResourceVersion(revision, this.revision);
      }
      await this.nextChange(Math.min(left, FRESHNESS_POLL_MS));
    }
  }

  /** The current state, sorted by key as the store lists it. */
  list(filter?: ObjectFilter): { items: ApiObject[]; revision: number } {
    if (!this.ready) throw this.stopped ? cacheStopped(this.prefix) : cacheNotReady(this.prefix);
    const keys = [...this.objects.keys()].sort();
    const items: ApiObject[] = [];
    for (const key of keys) {
      const { object } = this.objects.get(key)!;
      if (!filter || filter(object)) items.push(object);
    }
    return { items, revision: this.revision };
  }

  /**
   * A client watch. Throws 410 Expired when `sinceRevision` is older than the history kept; a
   * revision the cache has not reached yet is waited for (504 after a while).
   */
  watch(options: CacheWatchOptions = {}): EventSource {
    if (!this.ready) throw this.stopped ? cacheStopped(this.prefix) : cacheNotReady(this.prefix);
    const since = options.sinceRevision ?? 0;
    if (since < 0) throw new StatusError(400, "BadRequest", `invalid resourceVersion: ${since}`);
    const watcher = new CacheWatcher({
      filter: options.filter,
      capacity: this.watcherCapacity,
      cacheRevision: () => this.revision,
      detach: (w) => this.watchers.delete(w),
      log: this.log,
      prefix: this.prefix,
    });
    if (since <= this.revision) this.begin(watcher, since, options);
    else watcher.deferUntil(this.waitUntilFresh(since).then(() => this.begin(watcher, since, options)));
    return watcher;
  }

  /** A BOOKMARK at the cache's revision. Prefer a watch's own position, which never runs ahead of it. */
  bookmark(revision = this.revision): WatchEvent {
    return {
      type: "BOOKMARK",
      object: {
        kind: this.opts.kind,
        apiVersion: this.opts.apiVersion,
        metadata: { resourceVersion: String(revision) },
      },
    };
  }

  /** Registers the watcher at the cache's current state, in one synchronous step. */
  private begin(watcher: CacheWatcher, since: number, options: CacheWatchOptions): void {
    if (watcher.isClosed) return;
    const initialEvents = options.initialEvents ?? since === 0;
    if (initialEvents) {
      const revision = this.revision;
      const initial: WatchEvent[] = this.list(options.filter).items.map((object) => ({
        type: "ADDED",
        object,
      }));
      if (options.initialEvents === true) initial.push(this.initialEventsEnd(revision));
      watcher.begin(revision, initial, []);
    } else if (since === 0) {
      watcher.begin(this.revision, [], []);
    } else {
      if (since < this.history.oldest) throw tooOldResourceVersion(since, this.history.oldest);
      watcher.begin(since, [], this.history.since(since));
    }
    this.watchers.add(watcher);
  }

  private initialEventsEnd(revision: number): WatchEvent {
    const event = this.bookmark(revision);
    event.object.metadata = { ...event.object.metadata, annotations: { [INITIAL_EVENTS_END]: "true" } };
    return event;
  }

  /**
   * Follows the store until stopped. After WatcherTooSlow or a passing failure it resumes from the
   * last applied revision, which loses nothing; only Compacted (that history is gone) relists.
   */
  private async follow(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let failure: unknown;
      try {
        await this.consume();
      } catch (err) {
        failure = err;
      }
      if (this.stopped) return;
      if (isStoreError(failure, "Closed")) {
        this.log?.warn({ prefix: this.prefix, err: failure }, "the store closed; the watch cache stops");
        this.halt();
        return;
      }
      if (isStoreError(failure, "WatcherTooSlow")) {
        this.log?.info(
          { prefix: this.prefix, revision: this.applied },
          "watch cache fell behind the store; resuming",
        );
        failures = 0;
      } else if (isStoreError(failure, "Compacted")) {
        this.log?.info(
          { prefix: this.prefix, revision: this.applied },
          "watch cache history compacted; relisting",
        );
        failures = 0;
        await this.relistUntilDone();
      } else {
        failures++;
        if (failure !== undefined) {
          this.log?.error(
            { prefix: this.prefix, revision: this.applied, err: failure },
            "watch cache lost its store watch",
          );
        }
        await this.retryWait(failures);
      }
    }
  }

  private async consume(): Promise<void> {
    const watch = this.store.watch(this.prefix, { sinceRevision: this.applied });
    this.storeWatch = watch;
    this.epoch++;
    if (this.stopped) watch.close();
    const events = watch[Symbol.asyncIterator]();
    try {
      for (;;) {
        this.idle = true;
        const result = await events.next();
        this.idle = false;
        if (result.done) return;
        this.apply(result.value);
      }
    } finally {
      this.idle = false;
      this.epoch++;
      watch.close();
    }
  }

  private async relistUntilDone(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.relist();
        return;
      } catch (err) {
        this.log?.error({ prefix: this.prefix, err, attempt }, "watch cache relist failed");
        await this.retryWait(attempt);
      }
    }
  }

  /**
   * Replaces the state with a fresh list; client watches lose their place and end with 410.
   * The first list is taken some revisions in the past, so that replaying the store's log from
   * there fills the history: a client that watched the previous apiserver process resumes from
   * its last resourceVersion instead of relisting.
   */
  private async relist(backfill = false): Promise<void> {
    const wasReady = this.ready;
    this.ready = false;
    const listed = (backfill && (await this.listInThePast())) || (await this.store.list(this.prefix));
    if (this.stopped) return;
    this.objects.clear();
    for (const item of listed.items) {
      this.objects.set(item.key, { value: item.value, object: this.decorate(item.value, item.modRevision) });
    }
    this.history.reset(listed.revision);
    const lost = this.revision;
    this.applied = listed.revision;
    this.progress = 0;
    this.ready = true;
    const gone = tooOldResourceVersion(lost, listed.revision);
    for (const watcher of [...this.watchers]) watcher.terminate(gone);
    this.log?.debug(
      { prefix: this.prefix, revision: listed.revision, objects: this.objects.size, relisted: wasReady },
      "watch cache listed",
    );
    this.notifyChanged();
  }

  private async listInThePast(): Promise<Awaited<ReturnType<WatchableStore["list"]>> | undefined> {
    const [current, compacted] = await Promise.all([
      this.store.currentRevision(),
      this.store.compactedRevision(),
    ]);
    const from = Math.max(compacted, current - (this.opts.capacity ?? DEFAULT_CAPACITY), 0);
    if (from >= current) return undefined;
    try {
      return await this.store.list(this.prefix, { revision: from });
    } catch (err) {
      if (isStoreError(err, "Compacted")) return undefined;
      throw err;
    }
  }

  private apply(change: StoreEvent): void {
    if (change.revision <= this.applied) return;
    if (change.revision <= this.progress) {
      this.log?.warn(
        { prefix: this.prefix, revision: change.revision, progress: this.progress },
        "store event arrived after a progress check had passed its revision",
      );
    }
    const before = this.objects.get(change.key) ?? this.fromPrevValue(change);
    const object = this.decorate(change.value, change.revision);
    let event: CacheEvent;
    if (change.type === "delete") {
      this.objects.delete(change.key);
      event = new CacheEvent("DELETED", change.key, change.revision, object, before, this.decorate);
    } else {
      this.objects.set(change.key, { value: change.value, object });
      const type = change.type === "create" || !before ? "ADDED" : "MODIFIED";
      event = new CacheEvent(type, change.key, change.revision, object, before, this.decorate);
    }
    this.applied = change.revision;
    this.history.push(event);
    for (const watcher of this.watchers) watcher.deliver(event);
    this.notifyChanged();
  }

  /** The object before the change, from the event, when the cache did not hold it. */
  private fromPrevValue(change: StoreEvent): Entry | undefined {
    if (!change.prevValue) return undefined;
    const revision = change.prevModRevision ?? change.revision;
    return { value: change.prevValue, object: this.decorate(change.prevValue, revision) };
  }

  /**
   * The store has no progress notifications, so the cache asks for its revision and then lets
   * one turn of the event loop pass: the store hands every committed event to its watches before
   * it reports the revision, so if the cache's watch still has nothing to give, nothing under the
   * prefix happened up to that revision.
   */
  private checkProgress(): Promise<void> {
    this.progressCheck ??= (async () => {
      try {
        const epoch = this.epoch;
        const current = await this.store.currentRevision();
        await nextTurn();
        if (this.idle && this.epoch === epoch && current > this.revision) {
          this.progress = current;
          this.notifyChanged();
        }
      } catch (err) {
        this.log?.warn({ prefix: this.prefix, err }, "watch cache progress check failed");
      } finally {
        this.progressCheck = undefined;
      }
    })();
    return this.progressCheck;
  }

  private nextChange(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const changed = this.changed;
      function done() {
        clearTimeout(timer);
        const at = changed.indexOf(done);
        if (at >= 0) changed.splice(at, 1);
        resolve();
      }
      changed.push(done);
    });
  }

  private notifyChanged(): void {
    if (this.changed.length === 0) return;
    const waiting = this.changed;
    this.changed = [];
    for (const wake of waiting) wake();
  }

  private retryWait(attempt: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const ms = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(attempt - 1, 10));
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.retryTimer = undefined;
        resolve();
      }, ms);
      this.retryTimer = { timer, resolve };
    });
  }

  private cancelRetryWait(): void {
    const wait = this.retryTimer;
    this.retryTimer = undefined;
    if (wait) {
      clearTimeout(wait.timer);
      wait.resolve();
    }
  }
}

import { type Clock, realClock } from "./clock.js";
import { Indexer, type IndexFunc, NAMESPACE_INDEX, OWNER_UID_INDEX } from "./indexer.js";
import { type KubeObject, objectKey, type ResourceRef } from "./kube-object.js";
import { type Logger, silentLogger } from "./logger.js";
import {
  type ListWatcher,
  type ListWatchScope,
  listWatcherFor,
  Reflector,
  type ReflectorStore,
} from "./reflector.js";
import type { Client } from "./rest-client.js";

export interface DeleteInfo {
  /**
   * True when the delete was inferred by a relist (the object vanished while the watch was
   * down, so its last state is what the cache held), client-go's DeletedFinalStateUnknown.
   */
  finalStateUnknown: boolean;
}

export interface EventHandler<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T, info: DeleteInfo): void;
}

export interface InformerOptions<T> extends ListWatchScope {
  resource: ResourceRef;
  /** Extra indexes beside the built-in `namespace` and `ownerUid`, e.g. pods by `spec.nodeName`. */
  indexers?: Record<string, IndexFunc<T>>;
  /** Every period, each cached object is re-delivered as an update (old === new); 0: never. */
  resyncPeriodMs?: number;
  clock?: Clock;
  logger?: Logger;
  backoff?: { initialMs?: number; maxMs?: number };
  /** Replaces the client's list and watch (tests, or a source other than the apiserver). */
  listWatcher?: ListWatcher<T>;
}

/**
 * client-go's SharedIndexInformer, minus the sharing: a reflector keeps an indexed cache of one
 * kind in step with the apiserver and tells handlers what changed. Controllers read the cache
 * (never the API) and queue keys from the handlers.
 *
 * Where it differs from client-go: there is no DeltaFIFO; events are applied to the cache and
 * handed to handlers in the order they arrive, on the reflector's own turn. An event whose
 * resourceVersion equals the cached one (a replayed ADDED after a relist) is not delivered.
 */
export class Informer<T extends KubeObject> {
  readonly indexer: Indexer<T>;
  private readonly handlers = new Set<EventHandler<T>>();
  private readonly reflector: Reflector<T>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly name: string;
  private synced = false;
  private syncWaiters: ((synced: boolean) => void)[] = [];
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private cancelResync: (() => void) | undefined;

  constructor(
    client: Client | undefined,
    private readonly opts: InformerOptions<T>,
  ) {
    this.indexer = new Indexer<T>(opts.indexers);
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? silentLogger;
    const scope = [opts.namespace, opts.labelSelector, opts.fieldSelector].filter(Boolean).join(" ");
    this.name = scope ? `${opts.resource.plural} ${scope}` : opts.resource.plural;
    const listWatcher = opts.listWatcher ?? (client && listWatcherFor<T>(client, opts.resource, opts));
    if (!listWatcher) throw new Error(`informer for ${this.name} needs a client or a listWatcher`);
    this.reflector = new Reflector<T>({
      name: this.name,
      listWatcher,
      store: this.storeForReflector(),
      clock: this.clock,
      logger: this.log,
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
    });
  }

  /** Starts listing and watching; returns at once (see `waitForSync`). */
  start(): void {
    if (this.controller) return;
    this.controller = new AbortController();
    this.running = this.reflector.run(this.controller.signal);
    this.scheduleResync();
  }

  /** Stops the watch and the resync; resolves once the reflector has returned. */
  async stop(): Promise<void> {
    if (!this.controller) return;
    this.controller.abort();
    this.cancelResync?.();
    this.cancelResync = undefined;
    await this.running;
    this.controller = undefined;
    this.running = undefined;
    for (const wake of this.syncWaiters.splice(0)) wake(false);
  }

  /** True once the first list is in the cache: until then the cache may look empty but is not. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, false if the informer stops (or `signal` aborts) first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = (synced: boolean) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(synced);
      };
      const onAbort = () => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== wake);
        resolve(false);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.syncWaiters.push(wake);
    });
  }

  get lastSyncResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion;
  }

  /**
   * Registers handlers. Added after the cache has synced, the handler first receives an add
   * for every cached object, so late registration misses nothing. Returns the unregister call.
   */
  addEventHandler(handler: EventHandler<T>): () => void {
    this.handlers.add(handler);
    if (this.synced) for (const obj of this.indexer.list()) this.call("onAdd", () => handler.onAdd?.(obj));
    return () => {
      this.handlers.delete(handler);
    };
  }

  onAdd(fn: (obj: T) => void): () => void {
    return this.addEventHandler({ onAdd: fn });
  }

  onUpdate(fn: (oldObj: T, newObj: T) => void): () => void {
    return this.addEventHandler({ onUpdate: fn });
  }

  onDelete(fn: (obj: T, info: DeleteInfo) => void): () => void {
    return this.addEventHandler({ onDelete: fn });
  }

  /** The cached object by `namespace/name` (or `name`). */
  get(key: string): T | undefined {
    return this.indexer.get(key);
  }

  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.indexer.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): T[] {
    return this.indexer.list();
  }

  keys(): string[] {
    return this.indexer.keys();
  }

  byIndex(name: string, value: string): T[] {
    return this.indexer.byIndex(name, value);
  }

  byNamespace(namespace: string): T[] {
    return this.indexer.byIndex(NAMESPACE_INDEX, namespace);
  }

  /** Objects whose ownerReferences name this uid: the pods of a ReplicaSet, say. */
  byOwner(uid: string): T[] {
    return this.indexer.byIndex(OWNER_UID_INDEX, uid);
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.indexer.addIndexers(indexers);
  }

  private storeForReflector(): ReflectorStore<T> {
    return {
      replace: (items) => this.replace(items),
      added: (obj) => this.upsert(obj),
      modified: (obj) => this.upsert(obj),
      deleted: (obj) => {
        const key = objectKey(obj);
        this.indexer.delete(key);
        this.log.debug({ resource: this.name, object: key }, "deleted");
        this.dispatch("onDelete", (h) => h.onDelete?.(obj, { finalStateUnknown: false }));
      },
    };
  }

  private upsert(obj: T): void {
    const old = this.indexer.set(obj);
    const key = objectKey(obj);
    if (!old) {
      this.log.debug({ resource: this.name, object: key }, "added");
      this.dispatch("onAdd", (h) => h.onAdd?.(obj));
    } else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) {
      this.log.debug({ resource: this.name, object: key }, "updated");
      this.dispatch("onUpdate", (h) => h.onUpdate?.(old, obj));
    }
  }

  /** A relist: diff against the cache, so handlers see only what changed while we were away. */
  private replace(items: T[]): void {
    const seen = new Set<string>();
    for (const obj of items) {
      seen.add(objectKey(obj));
      this.upsert(obj);
    }
    for (const key of this.indexer.keys()) {
      if (seen.has(key)) continue;
      const last = this.indexer.delete(key) as T;
      this.log.info({ resource: this.name, object: key }, "gone after relist; delivering delete");
      this.dispatch("onDelete", (h) => h.onDelete?.(last, { finalStateUnknown: true }));
    }
    if (!this.synced) {
      this.synced = true;
      for (const wake of this.syncWaiters.splice(0)) wake(true);
    }
  }

  private scheduleResync(): void {
    const period = this.opts.resyncPeriodMs ?? 0;
    if (period <= 0 || !this.controller) return;
    this.cancelResync = this.clock.setTimer(() => {
      if (this.synced) {
        this.log.debug({ resource: this.name, objects: this.indexer.size }, "resync");
        for (const obj of this.indexer.list()) this.dispatch("onUpdate", (h) => h.onUpdate?.(obj, obj));
      }
      this.scheduleResync();
    }, period);
  }

  private dispatch(what: keyof EventHandler<T>, fn: (h: EventHandler<T>) => void): void {
    for (const handler of this.handlers) this.call(what, () => fn(handler));
  }

  /** A throwing handler is logged and skipped: it must not stop the cache from following the API. */
  private call(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error(
        { resource: this.name, handler: what, err: (err as Error).message },
        "event handler threw",
      );
    }
  }
}

import {
  type ListOptions,
  type ListResult,
  type StoredObject,
  type StoredValue,
  StoreError,
  type StoreEvent,
  type StoreWatch,
  type WatchableStore,
  type WatchOptions,
} from "../../src/storage/store.js";

/**
 * A small in-memory WatchableStore for the watch-cache tests. Like the real store it publishes an
 * event to its watches in the same step that commits it, and it can be told to drop its watches
 * (WatcherTooSlow) and to compact, which is how the tests push the cache off its happy path.
 */
export class MemoryStore implements WatchableStore {
  private revision = 0;
  private compacted = 0;
  private readonly data = new Map<string, StoredObject>();
  private readonly log: StoreEvent[] = [];
  private readonly watches = new Set<MemoryWatch>();
  listCalls = 0;

  get watchCount(): number {
    return this.watches.size;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    return this.data.get(key);
  }

  async list(prefix: string, _options?: ListOptions): Promise<ListResult> {
    this.listCalls++;
    const items = [...this.data.values()].filter((o) => o.key.startsWith(prefix));
    items.sort((a, b) => (a.key < b.key ? -1 : 1));
    return { items, revision: this.revision, more: false, remaining: 0 };
  }

  async create(key: string, value: StoredValue): Promise<StoredObject> {
    return this.createNow(key, value);
  }

  async update(key: string, value: StoredValue): Promise<StoredObject> {
    return this.updateNow(key, value);
  }

  async delete(key: string): Promise<StoredObject> {
    return this.deleteNow(key);
  }

  /** Synchronous mutations, so a test can make several happen before the cache runs again. */
  createNow(key: string, value: StoredValue): StoredObject {
    if (this.data.has(key)) throw new StoreError("AlreadyExists", key, `${key} exists`);
    const revision = ++this.revision;
    const object = { key, value, createRevision: revision, modRevision: revision };
    this.data.set(key, object);
    this.publish({ type: "create", key, value, revision, createRevision: revision });
    return object;
  }

  updateNow(key: string, value: StoredValue): StoredObject {
    const prev = this.data.get(key);
    if (!prev) throw new StoreError("NotFound", key, `${key} not found`);
    const revision = ++this.revision;
    const object = { key, value, createRevision: prev.createRevision, modRevision: revision };
    this.data.set(key, object);
    this.publish({
      type: "update",
      key,
      value,
      prevValue: prev.value,
      prevModRevision: prev.modRevision,
      revision,
      createRevision: prev.createRevision,
    });
    return object;
  }

  deleteNow(key: string): StoredObject {
    const prev = this.data.get(key);
    if (!prev) throw new StoreError("NotFound", key, `${key} not found`);
    const revision = ++this.revision;
    this.data.delete(key);
    this.publish({
      type: "delete",
      key,
      value: prev.value,
      prevValue: prev.value,
      prevModRevision: prev.modRevision,
      revision,
      createRevision: prev.createRevision,
    });
    return { ...prev, modRevision: revision };
  }

  watch(prefix: string, options: WatchOptions = {}): StoreWatch {
    const since = options.sinceRevision ?? this.revision;
    const watch = new MemoryWatch(prefix, (w) => this.watches.delete(w));
    if (since < this.compacted) {
      watch.fail(new StoreError("Compacted", prefix, `revision ${since} is compacted (${this.compacted})`));
      return watch;
    }
    for (const event of this.log) if (event.revision > since) watch.deliver(event);
    this.watches.add(watch);
    return watch;
  }

  /** Ends every watch with `code`, as the real store does to a watch that fell behind. */
  failWatches(code: "WatcherTooSlow" | "Closed"): void {
    for (const watch of [...this.watches])
      watch.fail(new StoreError(code, watch.prefix, `watch failed: ${code}`));
  }

  compactNow(revision: number): void {
    this.compacted = revision;
    this.log.splice(0, this.log.findIndex((e) => e.revision > revision) >>> 0);
  }

  async compact(revision: number): Promise<void> {
    this.compactNow(revision);
  }

  async currentRevision(): Promise<number> {
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  async close(): Promise<void> {
    this.failWatches("Closed");
  }

  private publish(event: StoreEvent): void {
    this.log.push(event);
    for (const watch of this.watches) if (event.key.startsWith(watch.prefix)) watch.deliver(event);
  }
}

class MemoryWatch implements StoreWatch {
  private readonly queue: StoreEvent[] = [];
  private failure: StoreError | undefined;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly prefix: string,
    private readonly detach: (w: MemoryWatch) => void,
  ) {}

  deliver(event: StoreEvent): void {
    if (event.key.startsWith(this.prefix)) this.queue.push(event);
    this.wakeUp();
  }

  fail(error: StoreError): void {
    this.failure ??= error;
    this.detach(this);
    this.wakeUp();
  }

  close(): void {
    this.ended = true;
    this.detach(this);
    this.wakeUp();
  }

  async next(): Promise<IteratorResult<StoreEvent, undefined>> {
    for (;;) {
      if (this.ended) return { done: true, value: undefined };
      if (this.failure) throw this.failure;
      const event = this.queue.shift();
      if (event) return { done: false, value: event };
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<StoreEvent, undefined> {
    return this;
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

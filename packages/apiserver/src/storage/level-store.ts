import { type ChainedBatch, ClassicLevel } from "classic-level";
import { CommitQueue } from "./commit-queue.js";
import { collectEventLog, readEventLog } from "./event-log.js";
import { EventRing } from "./event-ring.js";
import { COMPACTED_KEY, decodeRecord, EVENT_RANGE, encodeRecord, eventKey, revisionOf } from "./keys.js";
import { SortedKeys } from "./sorted-keys.js";
import {
  type ListOptions,
  type ListResult,
  type MutateOptions,
  type StoredObject,
  type StoredValue,
  StoreError,
  type StoreEvent,
  type StoreEventType,
  type StoreWatch,
  type WatchableStore,
  type WatchOptions,
} from "./store.js";
import { WatchHub } from "./watch-hub.js";
import { Watcher } from "./watcher.js";

export interface LevelStoreOptions {
  /**
   * Keep only the last N revisions of history: older log entries are compacted automatically (a
   * little behind, in steps of a tenth of N). Without it the log grows until `compact()` is called;
   * Kubernetes' apiserver asks etcd to compact every five minutes.
   */
  retainRevisions?: number;
  /** How many recent events to keep in memory for watches and lists that start in the recent past. */
  historyCacheSize?: number;
  /** How many unread live events a watcher may hold before it is dropped with WatcherTooSlow. */
  watchBufferSize?: number;
  /**
   * At most this many writes per fsync (default 512). A wave of concurrent writes larger than
   * this is split into batches that pipeline (see commit-queue.ts); smaller batches add fsyncs.
   */
  maxBatchSize?: number;
}

const DEFAULT_HISTORY_CACHE_SIZE = 10_000;
const DEFAULT_WATCH_BUFFER_SIZE = 10_000;
/** A compaction deletes in steps of this many revisions, one atomic batch each. */
const COMPACTION_STEP = 10_000;
const DEFAULT_MAX_BATCH_SIZE = 512;

/** A create, update or delete waiting for the committer. */
interface Mutation {
  type: StoreEventType;
  key: string;
  value: StoredValue | undefined;
  /** The value's JSON text, serialized once by the caller and reused for every record. */
  json: string | undefined;
  expectedRevision: number | undefined;
  resolve(object: StoredObject): void;
  reject(error: Error): void;
}

/** A batch between the committer's stages: prepared, written, published. */
interface Batch {
  accepted: Mutation[];
  /** One per accepted mutation, in the same order. */
  events: StoreEvent[];
  refused: Array<{ m: Mutation; error: StoreError }>;
  /** The batch's effect on each key it touches. */
  staged: Map<string, Staged>;
  /** The log entries, when some mutation was accepted. */
  writes: ChainedBatch<ClassicLevel<string, string>, string, string> | undefined;
  /** The last revision the batch assigned. */
  revision: number;
}

/** A key's version after a batch; null when the batch deleted it. */
interface Staged {
  version: Version | null;
}

/** The state of a key at some revision: the current ones are kept in memory, past ones rebuilt. */
interface Version {
  value: StoredValue;
  createRevision: number;
  modRevision: number;
}

/**
 * The default WatchableStore: LevelDB on disk for durability, the whole current state in memory
 * for reads. Every read is answered from memory at the revision of the last committed batch; every
 * write goes through the commit queue and is acknowledged only once LevelDB has fsynced it.
 */
export class LevelStore implements WatchableStore {
  private readonly keys = new SortedKeys();
  private readonly ring: EventRing;
  private readonly hub = new WatchHub();
  private readonly queue: CommitQueue<Mutation, Batch>;
  /**
   * What the batches prepared but not yet published do to each key they touch: the next batch
   * is validated against it (the pipeline in commit-queue.ts), while reads see only `state`.
   */
  private readonly unpublished = new Map<string, Staged>();
  /** The last revision handed out; `revision` is the last one published. */
  private assigned: number;
  private readonly watchBufferSize: number;
  private readonly retainRevisions: number | undefined;
  /** Compactions run one after another, so m/compacted is written in increasing order. */
  private compaction: Promise<void> = Promise.resolve();
  private compactionPending = false;
  /** The compaction revision recorded on disk; `compacted` moves ahead of it while one runs. */
  private compactedOnDisk: number;
  /** Set when a batch failed on disk: what LevelDB holds is unknown, so no more writes. */
  private failure: StoreError | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly db: ClassicLevel<string, string>,
    private readonly state: Map<string, Version>,
    private revision: number,
    private compacted: number,
    options: LevelStoreOptions,
  ) {
    this.compactedOnDisk = compacted;
    this.assigned = revision;
    this.keys.reset(state.keys());
    this.ring = new EventRing(options.historyCacheSize ?? DEFAULT_HISTORY_CACHE_SIZE, revision);
    this.watchBufferSize = Math.max(1, options.watchBufferSize ?? DEFAULT_WATCH_BUFFER_SIZE);
    this.retainRevisions = options.retainRevisions;
    this.queue = new CommitQueue<Mutation, Batch>(
      {
        prepare: (mutations) => this.prepare(mutations),
        write: (batch) => this.write(batch),
        publish: (batch, failure) => this.publish(batch, failure),
      },
      Math.max(1, options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE),
    );
  }

  /** Open (or create) the store in `dir`: replay the log to rebuild the current state in memory. */
  static async open(dir: string, options: LevelStoreOptions = {}): Promise<LevelStore> {
    // LevelDB's defaults (4 MB memtable, snappy compression) measured as fast as a 16 or 64 MB
    // memtable or no compression, with less memory: writing each value once was what mattered.
    const db = new ClassicLevel<string, string>(dir);
    await db.open();
    try {
      const compacted = Number((await db.get(COMPACTED_KEY)) ?? 0);
      const state = new Map<string, Version>();
      let revision = compacted;
      const iterator = db.iterator(EVENT_RANGE);
      try {
        for (let page = await iterator.nextv(1000); page.length > 0; page = await iterator.nextv(1000)) {
          for (const [key, text] of page) {
            const record = decodeRecord(text);
            revision = revisionOf(key);
            if (record.type === "delete") state.delete(record.key);
            else {
              state.set(record.key, {
                value: record.value!,
                createRevision: record.createRevision,
                modRevision: revision,
              });
            }
          }
        }
      } finally {
        await iterator.close();
      }
      // Compaction may have removed every entry up to the newest revision (a delete's tombstone).
      revision = Math.max(revision, compacted);
      return new LevelStore(db, state, revision, compacted, options);
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    this.assertOpen(key);
    const entry = this.state.get(key);
    return entry && toObject(key, entry);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.assertOpen(prefix);
    const current = this.revision;
    const revision = options.revision ?? current;
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : Number.POSITIVE_INFINITY;
    if (revision > current) {
      throw new StoreError(
        "FutureRevision",
        prefix,
        `revision ${revision} is ahead of the store's revision ${current}`,
      );
    }
    if (revision < this.compacted) {
      throw new StoreError(
        "Compacted",
        prefix,
        `revision ${revision} is compacted (the oldest readable revision is ${this.compacted})`,
      );
    }
    if (revision === current) return this.listCurrent(prefix, options.startAfter, limit);
    return this.listPast(prefix, options.startAfter, limit, revision);
  }

  create(key: string, value: StoredValue): Promise<StoredObject> {
    return this.enqueue("create", key, value, undefined);
  }

  update(key: string, value: StoredValue, options: MutateOptions = {}): Promise<StoredObject> {
    return this.enqueue("update", key, value, options.expectedRevision);
  }

  delete(key: string, options: MutateOptions = {}): Promise<StoredObject> {
    return this.enqueue("delete", key, undefined, options.expectedRevision);
  }

  watch(prefix: string, options: WatchOptions = {}): StoreWatch {
    const current = this.revision;
    const since = options.sinceRevision ?? current;
    const watcher = new Watcher(prefix, since, this.watchBufferSize, (w) => this.hub.remove(w));
    if (this.closing) {
      watcher.fail(new StoreError("Closed", prefix, "the store is closed"));
    } else if (since < this.compacted) {
      watcher.fail(
        new StoreError(
          "Compacted",
          prefix,
          `cannot watch from revision ${since}: compacted up to ${this.compacted}`,
        ),
      );
    } else {
      // Registering and choosing `current` in the same synchronous step is what makes history and
      // live events meet exactly: every event up to `current` is in the log (it is written before
      // the in-memory revision moves), every later one will be delivered live.
      this.hub.add(watcher);
      if (since < current) {
        watcher.replay(this.ring.after(since, prefix) ?? readEventLog(this.db, prefix, since, current));
      }
    }
    return watcher;
  }

  compact(revision: number): Promise<void> {
    this.assertOpen("");
    const target = Math.min(Math.floor(revision), this.revision);
    this.compaction = this.compaction.then(() => this.compactTo(target));
    return this.compaction;
  }

  async currentRevision(): Promise<number> {
    this.assertOpen("");
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    this.assertOpen("");
    return this.compacted;
  }

  /** Commit what is queued, end every watch with Closed, close the database. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.queue.idle();
      await this.compaction.catch(() => {});
      for (const watcher of this.hub.all()) {
        watcher.fail(new StoreError("Closed", watcher.prefix, "the store is closed"));
      }
      await this.db.close();
    })();
    return this.closing;
  }

  private enqueue(
    type: StoreEventType,
    key: string,
    value: StoredValue | undefined,
    expectedRevision: number | undefined,
  ): Promise<StoredObject> {
    return new Promise((resolve, reject) => {
      if (this.closing) throw new StoreError("Closed", key, "the store is closed");
      if (this.failure) throw this.failure;
      const json = value === undefined ? undefined : JSON.stringify(value);
      this.queue.push({ type, key, value, json, expectedRevision, resolve, reject });
    });
  }

  /**
   * The committer's first stage. Validates each mutation against the committed state plus the
   * batches before it, assigns revisions and encodes one log entry per mutation: no read from
   * disk, memory holds all that validation needs.
   */
  private prepare(mutations: Mutation[]): Batch {
    const batch: Batch = {
      accepted: [],
      events: [],
      refused: [],
      staged: new Map(),
      writes: undefined,
      revision: this.assigned,
    };
    if (this.failure) {
      for (const m of mutations) batch.refused.push({ m, error: this.failure });
      return batch;
    }
    let revision = this.assigned;
    for (const m of mutations) {
      const pending = this.unpublished.get(m.key);
      const current = pending === undefined ? this.state.get(m.key) : (pending.version ?? undefined);
      const error = refusal(m, current);
      if (error) {
        batch.refused.push({ m, error });
        continue;
      }
      revision++;
      let event: StoreEvent;
      let version: Version | null;
      if (m.type === "delete") {
        const prev = current!;
        version = null;
        event = {
          type: "delete",
          key: m.key,
          value: prev.value,
          prevValue: prev.value,
          revision,
          createRevision: prev.createRevision,
          prevModRevision: prev.modRevision,
        };
      } else {
        const createRevision = current?.createRevision ?? revision;
        version = { value: m.value!, createRevision, modRevision: revision };
        event = { type: m.type, key: m.key, value: m.value!, revision, createRevision };
        if (current) {
          event.prevValue = current.value;
          event.prevModRevision = current.modRevision;
        }
      }
      const staged: Staged = { version };
      batch.staged.set(m.key, staged);
      this.unpublished.set(m.key, staged);
      batch.writes ??= this.db.batch();
      batch.writes.put(
        eventKey(revision),
        encodeRecord(m.type, m.key, event.createRevision, event.prevModRevision, m.json),
      );
      batch.accepted.push(m);
      batch.events.push(event);
    }
    batch.revision = revision;
    this.assigned = revision;
    return batch;
  }

  /** The second stage: one synchronous LevelDB batch, so that an acknowledged write survives. */
  private async write(batch: Batch): Promise<void> {
    await batch.writes?.write({ sync: true });
  }

  /** The last stage, once the batch is on disk: memory, watchers, then callers. */
  private publish(batch: Batch, failure: { error: unknown } | undefined): void {
    if (failure) {
      const { error } = failure;
      const message = error instanceof Error ? error.message : String(error);
      this.failure ??= new StoreError("Unavailable", "", `write to the store failed, reopen it: ${message}`);
      for (const m of batch.accepted) m.reject(this.failure);
      for (const { m } of batch.refused) m.reject(this.failure);
      return;
    }
    for (const [key, staged] of batch.staged) {
      if (this.unpublished.get(key) === staged) this.unpublished.delete(key);
      const version = staged.version;
      if (version) {
        if (!this.state.has(key)) this.keys.insert(key);
        this.state.set(key, version);
      } else if (this.state.delete(key)) {
        this.keys.remove(key);
      }
    }
    const { accepted, events } = batch;
    if (accepted.length > 0) {
      for (const event of events) this.ring.push(event);
      this.revision = batch.revision;
      this.hub.publish(events);
      for (let i = 0; i < accepted.length; i++) {
        const event = events[i]!;
        accepted[i]!.resolve({
          key: event.key,
          value: event.value,
          createRevision: event.createRevision,
          modRevision: event.revision,
        });
      }
      this.compactIfDue();
    }
    for (const { m, error } of batch.refused) m.reject(error);
  }

  private compactIfDue(): void {
    const retain = this.retainRevisions;
    if (retain === undefined || this.compactionPending) return;
    const step = Math.max(1, Math.ceil(retain / 10));
    if (this.revision - this.compacted < retain + step) return;
    this.compactionPending = true;
    this.compact(this.revision - retain)
      .catch(() => {})
      .finally(() => {
        this.compactionPending = false;
      });
  }

  /**
   * etcd's compaction (see keys.ts): walk the entries after the mark on disk up to `target` and
   * delete what they supersede, with their tombstones. Each step's deletions and its new mark go
   * in one atomic batch, so a crash leaves a smaller compaction, never a hole. The batch need not
   * be synced: losing it loses only the compaction, and the next synced write persists it anyway.
   */
  private async compactTo(target: number): Promise<void> {
    if (target <= this.compacted) return;
    // Refuse reads below the new mark before deleting anything. Reads already running are safe:
    // they read from a LevelDB snapshot (see event-log.ts).
    this.compacted = target;
    while (this.compactedOnDisk < target) {
      const from = this.compactedOnDisk;
      const to = Math.min(target, from + COMPACTION_STEP);
      const deletions = this.db.batch();
      const iterator = this.db.iterator({ gt: eventKey(from), lte: eventKey(to) });
      try {
        for (let page = await iterator.nextv(1000); page.length > 0; page = await iterator.nextv(1000)) {
          for (const [key, text] of page) {
            const record = decodeRecord(text);
            if (record.prevModRevision !== undefined) deletions.del(eventKey(record.prevModRevision));
            if (record.type === "delete") deletions.del(key);
          }
        }
      } catch (err) {
        await deletions.close();
        throw err;
      } finally {
        await iterator.close();
      }
      deletions.put(COMPACTED_KEY, String(to));
      await deletions.write();
      this.compactedOnDisk = to;
    }
  }

  private listCurrent(prefix: string, startAfter: string | undefined, limit: number): ListResult {
    const { keys, remaining } = this.keys.select(prefix, startAfter, limit);
    const items = keys.map((key) => toObject(key, this.state.get(key)!));
    return { items, revision: this.revision, more: remaining > 0, remaining };
  }

  /**
   * A list at a past revision: take the present, then undo the events newer than `revision`,
   * newest first (each comes with the value and modRevision it replaced). The present is copied
   * and the log read started in one synchronous step, so both describe the same revision.
   */
  private async listPast(
    prefix: string,
    startAfter: string | undefined,
    limit: number,
    revision: number,
  ): Promise<ListResult> {
    const current = this.revision;
    const versions = new Map<string, Version>();
    for (const key of this.keys.select(prefix, startAfter).keys) versions.set(key, this.state.get(key)!);
    const newer =
      this.ring.after(revision, prefix) ?? (await collectEventLog(this.db, prefix, revision, current));
    for (let i = newer.length - 1; i >= 0; i--) {
      const event = newer[i]!;
      if (startAfter !== undefined && event.key <= startAfter) continue;
      if (event.type === "create") versions.delete(event.key);
      else {
        versions.set(event.key, {
          value: event.prevValue!,
          createRevision: event.createRevision,
          modRevision: event.prevModRevision!,
        });
      }
    }
    const keys = [...versions.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const stop = Math.min(keys.length, limit);
    const items = keys.slice(0, stop).map((key) => toObject(key, versions.get(key)!));
    return { items, revision, more: stop < keys.length, remaining: keys.length - stop };
  }

  private assertOpen(key: string): void {
    if (this.closing) throw new StoreError("Closed", key, "the store is closed");
  }
}

/** Why a mutation cannot apply to the key's state `current`, or undefined if it can. */
function refusal(m: Mutation, current: Version | undefined): StoreError | undefined {
  if (m.type === "create") {
    return current ? new StoreError("AlreadyExists", m.key, `key "${m.key}" already exists`) : undefined;
  }
  if (!current) return new StoreError("NotFound", m.key, `key "${m.key}" not found`);
  if (m.expectedRevision !== undefined && m.expectedRevision !== current.modRevision) {
    return new StoreError(
      "Conflict",
      m.key,
      `key "${m.key}" is at revision ${current.modRevision}, not the expected ${m.expectedRevision}`,
    );
  }
  return undefined;
}

function toObject(key: string, version: Version): StoredObject {
  return {
    key,
    value: version.value,
    createRevision: version.createRevision,
    modRevision: version.modRevision,
  };
}

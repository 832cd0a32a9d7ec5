/**
 * The watchable store: the part etcd plays in Kubernetes.
 *
 * Every object lives under a key such as `/registry/pods/default/web-1`. The store keeps one global
 * revision counter; each mutation bumps it, and the object remembers the revision that created it
 * (`createRevision`) and the one that last changed it (`modRevision`). The apiserver exposes
 * `modRevision` as `metadata.resourceVersion`, which is why a resourceVersion is a point in the
 * store's history and not a per-object counter.
 *
 * Backends: `LevelStore` (embedded LevelDB, the default). Every backend passes the conformance
 * suite in test/storage/conformance.ts.
 */

/** A JSON object as stored. The store never mutates it and callers must not either. */
export type StoredValue = Record<string, unknown>;

export interface StoredObject<T = StoredValue> {
  key: string;
  value: T;
  /** Revision of the mutation that created the key (etcd's create_revision). */
  createRevision: number;
  /** Revision of the mutation that last wrote the key (etcd's mod_revision). */
  modRevision: number;
}

export type StoreEventType = "create" | "update" | "delete";

export interface StoreEvent<T = StoredValue> {
  type: StoreEventType;
  key: string;
  /** The value after the event; for a delete, the value that was deleted. */
  value: T;
  /** The value before the event (update and delete only). */
  prevValue?: T;
  /** The revision this event created. For a delete it is the deletion's revision. */
  revision: number;
  createRevision: number;
  /** The modRevision of `prevValue` (update and delete only): enough to rebuild a past revision. */
  prevModRevision?: number;
}

export interface ListOptions {
  /** Read at this revision instead of the current one (a paginated list's later pages do). */
  revision?: number;
  /** At most this many items; `more` says whether others follow. */
  limit?: number;
  /** Start strictly after this key (the continue token of a paginated list). */
  startAfter?: string;
}

export interface ListResult<T = StoredValue> {
  items: StoredObject<T>[];
  /** The revision the list was read at. */
  revision: number;
  /** True when `limit` cut the list short; continue with `startAfter` = last item's key. */
  more: boolean;
  /** How many matching items follow this page (when `more`). */
  remaining: number;
}

export interface MutateOptions {
  /** Compare-and-swap: fail with a Conflict unless the key's modRevision is this one. */
  expectedRevision?: number;
}

export interface WatchOptions {
  /** Deliver every event with a revision strictly greater than this one. Default: current revision. */
  sinceRevision?: number;
}

/** A running watch: iterate it for events; `close()` ends it. */
export interface StoreWatch<T = StoredValue> extends AsyncIterable<StoreEvent<T>> {
  close(): void;
}

export interface WatchableStore {
  get(key: string): Promise<StoredObject | undefined>;
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Fails with AlreadyExists if the key is present. */
  create(key: string, value: StoredValue): Promise<StoredObject>;
  /** Fails with NotFound if the key is absent, Conflict on an expectedRevision mismatch. */
  update(key: string, value: StoredValue, options?: MutateOptions): Promise<StoredObject>;
  /** Returns the deleted object with `modRevision` set to the deletion's revision. */
  delete(key: string, options?: MutateOptions): Promise<StoredObject>;
  /** Events for keys under `prefix`, in revision order, without gaps or duplicates. */
  watch(prefix: string, options?: WatchOptions): StoreWatch;
  /**
   * Forget the history up to and including `revision` (keeping each key's version at it, as etcd
   * does); watches and lists from before it get Compacted.
   */
  compact(revision: number): Promise<void>;
  currentRevision(): Promise<number>;
  /** The oldest revision a watch can still start from (events after it are all kept). */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}

export type StoreErrorCode =
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Compacted"
  | "WatcherTooSlow"
  | "FutureRevision"
  | "Unavailable"
  | "Closed";

/**
 * A store failure with the key it concerns; the apiserver maps codes to HTTP statuses:
 * NotFound 404, AlreadyExists and Conflict 409, Compacted and WatcherTooSlow 410 Gone (the client
 * relists or resumes), FutureRevision 504 (Kubernetes' "Too large resource version"), Unavailable
 * 503 (a write failed on disk; the store refuses writes until reopened), Closed 503.
 */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = "StoreError";
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}

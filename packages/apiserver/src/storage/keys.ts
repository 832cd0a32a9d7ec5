/**
 * The on-disk layout of a LevelStore: one LevelDB database, two key spaces.
 *
 *   e/<revision>    the mutation of a revision: {"type":"update","key":…,"createRevision":3,
 *                                                "prevModRevision":5,"value":…}
 *   m/compacted     the compaction revision (see below)
 *
 * This is etcd's MVCC idea. etcd never overwrites a value: every mutation appends a new version
 * of its key under the next revision (etcd's key bucket is keyed by revision), and a delete
 * appends a tombstone. "The current value of a key" is simply its newest version, found through
 * an in-memory index (etcd's treeIndex) that etcd rebuilds at startup by scanning the versions.
 * The same versions are the history that watches replay and that reads at a past revision use.
 *
 * We do the same, with the whole current state in memory instead of only the index: the log of
 * `e/` entries IS the database. Each value is written once, in the entry of the revision that
 * wrote it; an entry names the revision it replaced (`prevModRevision`), so a watch event's
 * prevValue, or the state at a past revision, is one lookup away. Opening the store replays the
 * log in revision order. The revision counter needs no key of its own: it is the newest entry's
 * revision, or the compaction revision when compaction removed every entry.
 *
 * Compaction at revision C is etcd's too: every entry at or below C goes EXCEPT the version each
 * key had at C, which is still needed to read at C or later (for a key untouched since, it is the
 * current value); a tombstone at or below C goes as well, and with it the deleted key's history.
 * An entry is superseded exactly when a later entry names it as its prevModRevision (a create
 * follows a tombstone, which goes anyway), so a compaction only reads the entries after the
 * previous mark, and deletes their tombstones and their prevModRevisions.
 *
 * Revisions are zero-padded to 16 digits so that LevelDB's byte order is numeric order, and a range
 * scan of `e/` walks the history in revision order.
 */
import type { StoredValue, StoreEventType } from "./store.js";

export const EVENT_PREFIX = "e/";
export const COMPACTED_KEY = "m/compacted";

/** Every event key sorts between these two (`0` is the byte after `/`). */
export const EVENT_RANGE = { gte: EVENT_PREFIX, lt: "e0" } as const;

const REVISION_DIGITS = 16;

export function eventKey(revision: number): string {
  return EVENT_PREFIX + String(revision).padStart(REVISION_DIGITS, "0");
}

export function revisionOf(eventKey: string): number {
  return Number(eventKey.slice(EVENT_PREFIX.length));
}

/** One `e/` entry as decoded; its revision is in the LevelDB key. */
export interface LogRecord {
  type: StoreEventType;
  key: string;
  /** Absent for a delete: the deleted value is the one at prevModRevision. */
  value?: StoredValue;
  createRevision: number;
  /** The revision this one replaced (update and delete only). */
  prevModRevision?: number;
}

/** Assembled from the value's JSON text, serialized once by the caller. */
export function encodeRecord(
  type: StoreEventType,
  key: string,
  createRevision: number,
  prevModRevision: number | undefined,
  json: string | undefined,
): string {
  let text = `{"type":"${type}","key":${JSON.stringify(key)},"createRevision":${createRevision}`;
  if (prevModRevision !== undefined) text += `,"prevModRevision":${prevModRevision}`;
  if (json !== undefined) text += `,"value":${json}`;
  return `${text}}`;
}

export function decodeRecord(text: string): LogRecord {
  return JSON.parse(text) as LogRecord;
}

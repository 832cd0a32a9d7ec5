import type { ClassicLevel } from "classic-level";
import { decodeRecord, eventKey, revisionOf } from "./keys.js";
import type { StoredValue, StoreEvent } from "./store.js";
import type { HistoryPages } from "./watcher.js";

const PAGE_SIZE = 256;
/** Values remembered per read to answer the next event's prevValue without a disk read. */
const RECENT_VALUES = 4096;

/**
 * The logged events with revision in (after, until] and a key under `prefix`, oldest first, in
 * pages read as the consumer asks for them, each with its prevValue.
 *
 * A log entry holds only its own value; an event's prevValue is the value of the entry at its
 * prevModRevision. That is usually an event read earlier in the same range (remembered here),
 * otherwise one read from disk, a page's worth at a time.
 *
 * Everything is read from a LevelDB snapshot taken now, before the first page is asked for, so a
 * compaction that runs meanwhile cannot cut a hole in the pages or remove a prevValue: at this
 * moment `after` is at or above the compaction mark, and compaction keeps every entry above the
 * mark and each key's version at the mark.
 */
export function readEventLog(
  db: ClassicLevel<string, string>,
  prefix: string,
  after: number,
  until: number,
): HistoryPages {
  const snapshot = db.snapshot();
  const iterator = db.iterator({ gt: eventKey(after), lte: eventKey(until), snapshot });
  const recent = new Map<string, { revision: number; value: StoredValue }>();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await iterator.close();
    await snapshot.close();
  };

  async function resolvePrevValues(page: StoreEvent[]): Promise<void> {
    const missing: StoreEvent[] = [];
    for (const event of page) {
      if (event.prevModRevision !== undefined) {
        const known = recent.get(event.key);
        if (known?.revision === event.prevModRevision) event.prevValue = known.value;
        else missing.push(event);
      }
      if (event.type === "delete") recent.delete(event.key);
      else {
        recent.delete(event.key);
        recent.set(event.key, { revision: event.revision, value: event.value });
        if (recent.size > RECENT_VALUES) recent.delete(recent.keys().next().value!);
      }
    }
    if (missing.length > 0) {
      const texts = await db.getMany(
        missing.map((event) => eventKey(event.prevModRevision!)),
        { snapshot },
      );
      for (let i = 0; i < missing.length; i++) {
        const event = missing[i]!;
        const text = texts[i];
        const value = text === undefined ? undefined : decodeRecord(text).value;
        if (value === undefined) {
          throw new Error(
            `the log has no value at revision ${event.prevModRevision}, the previous version of "${event.key}" at revision ${event.revision}`,
          );
        }
        event.prevValue = value;
      }
    }
    for (const event of page) if (event.type === "delete") event.value = event.prevValue!;
  }

  return {
    async next() {
      for (;;) {
        const entries = closed ? [] : await iterator.nextv(PAGE_SIZE);
        if (entries.length === 0) {
          await close();
          return { done: true, value: undefined };
        }
        const page: StoreEvent[] = [];
        for (const [key, text] of entries) {
          const record = decodeRecord(text);
          if (!record.key.startsWith(prefix)) continue;
          const event: StoreEvent = {
            type: record.type,
            key: record.key,
            value: record.value!,
            revision: revisionOf(key),
            createRevision: record.createRevision,
          };
          if (record.prevModRevision !== undefined) event.prevModRevision = record.prevModRevision;
          page.push(event);
        }
        if (page.length > 0) {
          try {
            await resolvePrevValues(page);
          } catch (err) {
            await close();
            throw err;
          }
          return { done: false, value: page };
        }
      }
    },
    async return() {
      await close();
      return { done: true, value: undefined };
    },
  };
}

/** All of `readEventLog` at once, for rebuilding a past revision. */
export async function collectEventLog(
  db: ClassicLevel<string, string>,
  prefix: string,
  after: number,
  until: number,
): Promise<StoreEvent[]> {
  const out: StoreEvent[] = [];
  const pages = readEventLog(db, prefix, after, until);
  for (let page = await pages.next(); !page.done; page = await pages.next()) out.push(...page.value);
  return out;
}

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClassicLevel } from "classic-level";
import { afterEach, describe, expect, it } from "vitest";
import { isStoreError, LevelStore, type LevelStoreOptions } from "../../src/storage/index.js";
import { describeStoreConformance } from "./conformance.js";
import { WatchReader } from "./watch-reader.js";

async function openTemp(options: LevelStoreOptions = {}) {
  const dir = await mkdtemp(join(tmpdir(), "minik8s-store-"));
  let store = await LevelStore.open(dir, options);
  return {
    dir,
    get store() {
      return store;
    },
    reopen: async () => {
      await store.close();
      store = await LevelStore.open(dir, options);
      return store;
    },
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describeStoreConformance("LevelStore", () => openTemp({ watchBufferSize: 200 }));

// The same suite with no history in memory: every past read goes to the log on disk.
describeStoreConformance("LevelStore without a history cache", () =>
  openTemp({ watchBufferSize: 200, historyCacheSize: 0 }),
);

// And with tiny batches, so that concurrent writes always fill several and the committer's
// pipeline validates batches against others not yet on disk.
describeStoreConformance("LevelStore with batches of two", () =>
  openTemp({ watchBufferSize: 200, maxBatchSize: 2 }),
);

/** The revisions of the log entries on disk (the store must be closed). */
async function loggedRevisions(dir: string): Promise<number[]> {
  const db = new ClassicLevel<string, string>(dir);
  await db.open();
  try {
    const keys = await db.keys({ gte: "e/", lt: "e0" }).all();
    return keys.map((key) => Number(key.slice(2)));
  } finally {
    await db.close();
  }
}

describe("LevelStore", () => {
  const opened: Array<{ cleanup(): Promise<void> }> = [];
  afterEach(async () => {
    for (const t of opened.splice(0)) await t.cleanup();
  });
  async function open(options: LevelStoreOptions = {}) {
    const t = await openTemp(options);
    opened.push(t);
    return t;
  }

  it("reads history older than its memory from the log on disk", async () => {
    const { store } = await open({ historyCacheSize: 4 });
    const written = [];
    for (let i = 0; i < 20; i++) written.push(await store.create(`/d/${i}`, { i }));
    const reader = new WatchReader(store.watch("/d/", { sinceRevision: 2 }));
    const live = await store.update("/d/0", { i: -1 });
    const events = await reader.until(live.modRevision);
    expect(events.map((e) => e.revision)).toEqual([
      ...written.slice(2).map((o) => o.modRevision),
      live.modRevision,
    ]);
    reader.watch.close();

    const past = await store.list("/d/", { revision: 3 });
    expect(past.items).toEqual(written.slice(0, 3));
  });

  it("compacts automatically to keep the last retainRevisions revisions", async () => {
    const { store } = await open({ retainRevisions: 20 });
    for (let i = 0; i < 100; i++)
      await store.update("/auto", { i }).catch(() => store.create("/auto", { i }));
    await store.compact(0); // waits for the compaction in flight, compacts nothing more
    const current = await store.currentRevision();
    const compacted = await store.compactedRevision();
    expect(current).toBe(100);
    expect(compacted).toBeGreaterThan(0);
    expect(current - compacted).toBeGreaterThanOrEqual(20);
    expect(current - compacted).toBeLessThanOrEqual(22);
    const reader = new WatchReader(store.watch("/", { sinceRevision: compacted }));
    expect((await reader.take(current - compacted)).at(-1)?.revision).toBe(current);
    reader.watch.close();
  });

  it("keeps a compaction across a restart and never reuses a revision", async () => {
    const t = await open();
    for (let i = 0; i < 5; i++) await t.store.create(`/k/${i}`, { i });
    for (let i = 0; i < 5; i++) await t.store.delete(`/k/${i}`);
    await t.store.compact(10);
    const store = await t.reopen();
    expect(await store.currentRevision()).toBe(10);
    expect(await store.compactedRevision()).toBe(10);
    expect((await store.list("/")).items).toEqual([]);
    expect((await store.create("/k/0", {})).modRevision).toBe(11);
    const late = new WatchReader(store.watch("/", { sinceRevision: 9 }));
    await expect(late.next()).rejects.toSatisfy((e) => isStoreError(e, "Compacted"));
  });

  it("compacts like etcd: each key's version at the mark stays, superseded ones and deletes go", async () => {
    const t = await open({ historyCacheSize: 0 });
    const a1 = await t.store.create("/c/a", { v: 1 }); // 1: superseded by 2
    const a2 = await t.store.update("/c/a", { v: 2 }); // 2: a's version at the mark
    await t.store.create("/c/b", { v: 1 }); // 3: b is deleted before the mark
    await t.store.delete("/c/b"); // 4: a tombstone at the mark
    const c5 = await t.store.create("/c/c", { v: 1 }); // 5: c's version at the mark
    const a6 = await t.store.update("/c/a", { v: 3 }); // 6: after the mark
    expect([a1.modRevision, a2.modRevision, c5.modRevision, a6.modRevision]).toEqual([1, 2, 5, 6]);
    await t.store.compact(5);

    // Reading at the mark needs a's version 2, and the watch's first event needs it as prevValue.
    expect((await t.store.list("/c/", { revision: 5 })).items).toEqual([a2, c5]);
    const reader = new WatchReader(t.store.watch("/c/", { sinceRevision: 5 }));
    expect(await reader.next()).toMatchObject({ revision: 6, value: { v: 3 }, prevValue: { v: 2 } });
    reader.watch.close();
    await t.store.close();
    expect(await loggedRevisions(t.dir)).toEqual([2, 5, 6]);

    // A later compaction removes what the earlier one kept, once a newer version replaces it.
    const store = await t.reopen();
    const c7 = await store.update("/c/c", { v: 2 });
    await store.compact(6);
    expect((await store.list("/c/", { revision: 6 })).items).toEqual([a6, c5]);
    await store.close();
    expect(await loggedRevisions(t.dir)).toEqual([5, 6, c7.modRevision]);
  });

  it("restarts after compactions with the same state, history and revision", async () => {
    const t = await open({ historyCacheSize: 0 });
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) {
        const key = `/r/${i}`;
        if (round === 0) await t.store.create(key, { round, i });
        else if ((i + round) % 4 === 0)
          await t.store.delete(key).catch(() => t.store.create(key, { round, i }));
        else await t.store.update(key, { round, i }).catch(() => t.store.create(key, { round, i }));
      }
      await t.store.compact((await t.store.currentRevision()) - 7);
    }
    const compacted = await t.store.compactedRevision();
    const revision = await t.store.currentRevision();
    const now = await t.store.list("/r/");
    const atMark = await t.store.list("/r/", { revision: compacted });
    const history = await new WatchReader(t.store.watch("/r/", { sinceRevision: compacted })).until(revision);

    const store = await t.reopen();
    expect(await store.currentRevision()).toBe(revision);
    expect(await store.compactedRevision()).toBe(compacted);
    expect(await store.list("/r/")).toEqual(now);
    expect(await store.list("/r/", { revision: compacted })).toEqual(atMark);
    const replay = new WatchReader(store.watch("/r/", { sinceRevision: compacted }));
    expect(await replay.until(revision)).toEqual(history);
    replay.watch.close();
    expect(history).toHaveLength(7);
    await expectCompacted(store.list("/r/", { revision: compacted - 1 }));
  });

  it("commits queued writes before close() resolves", async () => {
    const t = await open();
    const writes = Array.from({ length: 50 }, (_, i) => t.store.create(`/q/${i}`, { i }));
    await t.store.close();
    await Promise.all(writes);
    const store = await t.reopen();
    expect((await store.list("/q/")).items).toHaveLength(50);
  });
});

async function expectCompacted(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toSatisfy((e) => isStoreError(e, "Compacted"));
}

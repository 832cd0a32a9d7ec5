import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("commits queued writes before close() resolves", async () => {
    const t = await open();
    const writes = Array.from({ length: 50 }, (_, i) => t.store.create(`/q/${i}`, { i }));
    await t.store.close();
    await Promise.all(writes);
    const store = await t.reopen();
    expect((await store.list("/q/")).items).toHaveLength(50);
  });
});

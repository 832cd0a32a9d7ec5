import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LevelStore } from "../../src/storage/index.js";
import { WatchCache } from "../../src/watch/watch-cache.js";
import { decorate, key, PREFIX, pod, rv, summary, take } from "./helpers.js";

let dir: string;
let store: LevelStore;
let cache: WatchCache;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "watch-cache-"));
  // A small buffer for the cache's own store watch, so a burst makes the store drop it.
  store = await LevelStore.open(dir, { watchBufferSize: 4 });
});

afterEach(async () => {
  await cache?.stop();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("WatchCache on LevelStore", () => {
  it("serves history and live events from the real store, across its own watch being dropped", async () => {
    await store.create(key("a"), pod("a"));
    const messages: string[] = [];
    const note = (_fields: object, message: string) => void messages.push(message);
    const log = { debug: note, info: note, warn: note, error: note };
    cache = new WatchCache({ store, prefix: PREFIX, decorate, log });
    await cache.start();
    const initial = cache.watch({});
    expect(summary(await take(initial, 1))).toEqual(["ADDED a@1"]);

    // A burst larger than the store's watch buffer: the cache resumes and loses nothing.
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.create(key(`p${i}`), pod(`p${i}`))));
    await store.update(key("a"), pod("a", { v: "2" }));
    await store.delete(key("p0"));
    const last = await store.currentRevision();
    await cache.waitUntilFresh(last, 5_000);
    expect(cache.list().items).toHaveLength(40);
    expect(messages).toContain("watch cache fell behind the store; resuming");

    const live = await take(initial, 42);
    expect(live.map(rv)).toEqual(Array.from({ length: 42 }, (_, i) => i + 2));
    expect(summary(live.slice(-2))).toEqual([`MODIFIED a@${last - 1}`, `DELETED p0@${last}`]);

    const resumed = cache.watch({ sinceRevision: last - 2 });
    expect((await take(resumed, 2)).map(rv)).toEqual([last - 1, last]);
    initial.close();
    resumed.close();
  });

  it("is fresh at the store's revision after writes elsewhere", async () => {
    cache = new WatchCache({ store, prefix: PREFIX, decorate });
    await cache.start();
    await store.create(key("a"), pod("a"));
    await store.create("/registry/services/default/s", pod("s"));
    await cache.waitUntilFresh(await store.currentRevision(), 5_000);
    expect(cache.list()).toMatchObject({ revision: 2, items: [{ metadata: { name: "a" } }] });
  });
});

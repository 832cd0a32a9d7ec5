import { StatusError } from "@minik8s/api";
import { afterEach, describe, expect, it } from "vitest";
import { WatchCache } from "../../src/watch/watch-cache.js";
import type { ApiObject } from "../../src/watch/watch-event.js";
import { decorate, drain, key, PREFIX, pod, rv, settle, summary, take } from "./helpers.js";
import { MemoryStore } from "./memory-store.js";

const caches: WatchCache[] = [];

async function startCache(store: MemoryStore, opts: { capacity?: number; watcherCapacity?: number } = {}) {
  const cache = new WatchCache({ store, prefix: PREFIX, decorate, kind: "Pod", apiVersion: "v1", ...opts });
  caches.push(cache);
  await cache.start();
  return cache;
}

/** Waits (boundedly) for the cache to apply the store's latest write. */
async function caughtUp(cache: WatchCache, store: MemoryStore): Promise<void> {
  await cache.waitUntilFresh(await store.currentRevision(), 5_000);
}

afterEach(async () => {
  await Promise.all(caches.splice(0).map((c) => c.stop()));
});

const webOnly = (o: ApiObject) => o.metadata?.labels?.app === "web";

describe("WatchCache", () => {
  it("starts a watch without a revision with synthetic ADDED events, then live ones", async () => {
    const store = new MemoryStore();
    store.createNow(key("b"), pod("b"));
    store.createNow(key("a"), pod("a"));
    store.createNow("/registry/services/default/x", pod("x"));
    const cache = await startCache(store);

    const unset = cache.watch({});
    expect(summary(await take(unset, 2))).toEqual(["ADDED a@2", "ADDED b@1"]);
    store.updateNow(key("a"), pod("a", { v: "2" }));
    const [live] = await take(unset, 1);
    expect(summary([live!])).toEqual(["MODIFIED a@4"]);
    expect(live?.object.metadata?.labels).toEqual({ v: "2" });
    unset.close();

    const zero = cache.watch({ sinceRevision: 0 });
    expect(summary(await take(zero, 2))).toEqual(["ADDED a@4", "ADDED b@1"]);
    zero.close();
    expect(cache.list().items.map((o) => o.metadata?.name)).toEqual(["a", "b"]);
  });

  it("replays history after a revision, then live events, with no gap or duplicate", async () => {
    const store = new MemoryStore();
    const cache = await startCache(store);
    const opened: { since: number; source: ReturnType<WatchCache["watch"]> }[] = [];
    const live = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const name = `p${i % 7}`;
      if (!live.has(name)) {
        store.createNow(key(name), pod(name));
        live.add(name);
      } else if (i % 3 === 2) {
        store.deleteNow(key(name));
        live.delete(name);
      } else store.updateNow(key(name), pod(name, { i: String(i) }));
      if (i % 4 === 0) await settle();
      // Opened while the cache may still be behind the store: it must neither skip nor repeat.
      if (i % 5 === 1 && cache.revision > 0)
        opened.push({
          since: cache.revision - 1,
          source: cache.watch({ sinceRevision: cache.revision - 1 }),
        });
    }
    const last = await store.currentRevision();
    await caughtUp(cache, store);
    for (const { since, source } of opened) {
      const events = await take(source, last - since);
      expect(events.map(rv)).toEqual(Array.from({ length: last - since }, (_, i) => since + 1 + i));
      source.close();
    }
    expect(opened.length).toBeGreaterThan(3);
  });

  it("sends a deletion as DELETED of the last state at the deletion's revision", async () => {
    const store = new MemoryStore();
    const cache = await startCache(store);
    const source = cache.watch({ sinceRevision: cache.revision });
    store.createNow(key("a"), pod("a", { app: "web" }));
    const deleted = store.deleteNow(key("a"));
    expect(summary(await take(source, 2))).toEqual(["ADDED a@1", `DELETED a@${deleted.modRevision}`]);
    source.close();
  });

  it("refuses a revision older than the history it keeps with 410 Expired", async () => {
    const store = new MemoryStore();
    const cache = await startCache(store, { capacity: 3 });
    for (let i = 0; i < 10; i++) store.createNow(key(`p${i}`), pod(`p${i}`));
    await caughtUp(cache, store);
    let error: unknown;
    try {
      cache.watch({ sinceRevision: 6 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).toStatus()).toMatchObject({
      code: 410,
      reason: "Expired",
      message: "too old resource version: 6 (7)",
    });
    expect(summary(await take(cache.watch({ sinceRevision: 7 }), 3))).toEqual([
      "ADDED p7@8",
      "ADDED p8@9",
      "ADDED p9@10",
    ]);
  });

  it("turns updates that enter or leave a selection into ADDED and DELETED", async () => {
    const store = new MemoryStore();
    const cache = await startCache(store);
    const source = cache.watch({ sinceRevision: cache.revision, filter: webOnly });
    store.createNow(key("x"), pod("x", { app: "db" }));
    store.updateNow(key("x"), pod("x", { app: "web" }));
    store.updateNow(key("x"), pod("x", { app: "web" }, { spec: { n: 1 } }));
    store.updateNow(key("x"), pod("x", { app: "db" }));
    store.updateNow(key("x"), pod("x", { app: "db" }, { spec: { n: 2 } }));
    store.updateNow(key("x"), pod("x", { app: "web" }));
    store.deleteNow(key("x"));
    const events = await take(source, 4);
    expect(summary(events)).toEqual(["ADDED x@2", "MODIFIED x@3", "DELETED x@4", "ADDED x@6"]);
    // The object that left the selection is sent as it was, at the revision it left.
    expect(events[2]?.object.metadata?.labels).toEqual({ app: "web" });
    expect(summary(await take(source, 1))).toEqual(["DELETED x@7"]);
    source.close();
  });

  it("ends a watcher that falls behind without holding up the others", async () => {
    const store = new MemoryStore();
    const cache = await startCache(store, { watcherCapacity: 5 });
    const slow = cache.watch({ sinceRevision: cache.revision });
    const fast = cache.watch({ sinceRevision: cache.revision });
    const fastEvents = take(fast, 20);
    for (let i = 0; i < 20; i++) {
      store.createNow(key(`p${i}`), pod(`p${i}`));
      await settle();
    }
    expect((await fastEvents).map(rv)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const { events, error } = await drain(slow);
    expect(error).toBeUndefined();
    expect(events.map(rv)).toEqual([1, 2, 3, 4, 5]);
    // Resuming from the last revision it saw misses nothing.
    const resumed = cache.watch({ sinceRevision: rv(events.at(-1)) });
    expect((await take(resumed, 15)).map(rv)).toEqual(Array.from({ length: 15 }, (_, i) => i + 6));
    fast.close();
    resumed.close();
  });

  it("resumes the store watch after WatcherTooSlow without disturbing its watchers", async () => {
    const store = new MemoryStore();
    const cache = await startCache(store);
    const source = cache.watch({ sinceRevision: cache.revision });
    store.createNow(key("a"), pod("a"));
    store.failWatches("WatcherTooSlow");
    store.createNow(key("b"), pod("b"));
    store.createNow(key("c"), pod("c"));
    expect((await take(source, 3)).map(rv)).toEqual([1, 2, 3]);
    expect(store.listCalls).toBe(1);
    source.close();
  });

  it("relists after the store compacted its history, and ends watchers with 410", async () => {
    const store = new MemoryStore();
    store.createNow(key("a"), pod("a"));
    const cache = await startCache(store);
    const source = cache.watch({ sinceRevision: cache.revision });
    store.createNow(key("b"), pod("b"));
    await caughtUp(cache, store);
    // The cache's watch drops and, before it resumes, history it never saw is compacted away.
    store.failWatches("WatcherTooSlow");
    store.deleteNow(key("a"));
    store.createNow(key("c"), pod("c"));
    store.compactNow(4);
    const { events, error } = await drain(source);
    expect(summary(events)).toEqual(["ADDED b@2"]);
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).code).toBe(410);
    expect(store.listCalls).toBe(2);
    expect(cache.list().items.map((o) => o.metadata?.name)).toEqual(["b", "c"]);
    expect(cache.list().revision).toBe(4);
    // And it follows the store again.
    const after = cache.watch({ sinceRevision: 4 });
    store.createNow(key("d"), pod("d"));
    expect(summary(await take(after, 1))).toEqual(["ADDED d@5"]);
    after.close();
  });

  it("learns the store's revision when nothing under its prefix changed", async () => {
    const store = new MemoryStore();
    const cache = await startCache(store);
    store.createNow(key("a"), pod("a"));
    store.createNow("/registry/services/default/s", pod("s"));
    store.createNow("/registry/services/default/t", pod("t"));
    await cache.waitUntilFresh(3, 5_000);
    expect(cache.list().revision).toBe(3);
    // A watch from a revision the cache only knows through progress still gets what follows it.
    const source = cache.watch({ sinceRevision: 3 });
    store.createNow(key("b"), pod("b"));
    expect(summary(await take(source, 1))).toEqual(["ADDED b@4"]);
    source.close();
  });

  it("answers 504 for a revision the store has not reached", async () => {
    const store = new MemoryStore();
    const cache = await startCache(store);
    const error = await cache.waitUntilFresh(10, 100).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).toStatus()).toMatchObject({ code: 504, reason: "Timeout" });
  });

  it("waits for a future revision a watch asks for, then serves what follows it", async () => {
    const store = new MemoryStore();
    const cache = await startCache(store);
    const source = cache.watch({ sinceRevision: 2 });
    const first = take(source, 1);
    store.createNow(key("a"), pod("a"));
    store.createNow(key("b"), pod("b"));
    store.createNow(key("c"), pod("c"));
    expect(summary(await first)).toEqual(["ADDED c@3"]);
    source.close();
  });

  it("forgets a watch closed while it waited for its revision", async () => {
    const store = new MemoryStore();
    const cache = await startCache(store);
    const source = cache.watch({ sinceRevision: 2 });
    source.close();
    store.createNow(key("a"), pod("a"));
    store.createNow(key("b"), pod("b"));
    await caughtUp(cache, store);
    await settle();
    expect(cache.watcherCount).toBe(0);
    expect(await drain(source)).toEqual({ events: [] });
  });

  it("ends the initial events with a bookmark when asked for them explicitly", async () => {
    const store = new MemoryStore();
    store.createNow(key("a"), pod("a", { app: "web" }));
    store.createNow(key("b"), pod("b"));
    const cache = await startCache(store);
    const source = cache.watch({ initialEvents: true, filter: webOnly });
    expect(source.position?.()).toBeUndefined();
    const events = await take(source, 2);
    expect(summary(events)).toEqual(["ADDED a@1", "BOOKMARK @2"]);
    expect(events[1]?.object).toMatchObject({
      kind: "Pod",
      apiVersion: "v1",
      metadata: { annotations: { "k8s.io/initial-events-end": "true" } },
    });
    expect(source.position?.()).toBe(2);
    source.close();

    const quiet = cache.watch({ initialEvents: false });
    store.createNow(key("c"), pod("c"));
    expect(summary(await take(quiet, 1))).toEqual(["ADDED c@3"]);
    quiet.close();
  });

  it("keeps a watcher's position behind the events it has not handed out yet", async () => {
    const store = new MemoryStore();
    const cache = await startCache(store);
    const source = cache.watch({ sinceRevision: cache.revision });
    store.createNow(key("a"), pod("a"));
    store.createNow(key("b"), pod("b"));
    await caughtUp(cache, store);
    expect(source.position?.()).toBe(0);
    await take(source, 1);
    expect(source.position?.()).toBe(1);
    await take(source, 1);
    expect(source.position?.()).toBe(2);
    expect(cache.bookmark()).toEqual({
      type: "BOOKMARK",
      object: { kind: "Pod", apiVersion: "v1", metadata: { resourceVersion: "2" } },
    });
    source.close();
  });

  it("ends its watchers cleanly when stopped", async () => {
    const store = new MemoryStore();
    const cache = await startCache(store);
    const source = cache.watch({});
    const ended = drain(source);
    await cache.stop();
    expect(await ended).toEqual({ events: [] });
    expect(store.watchCount).toBe(0);
    expect(() => cache.watch({})).toThrow(StatusError);
  });
});

/**
 * The conformance suite of WatchableStore: every backend (LevelStore, a later etcd backend) must
 * pass it. The guarantees are the ones the apiserver builds on and the ones etcd's robustness tests
 * check: atomic compare-and-swap, one revision per mutation, lists consistent at a revision,
 * watches ordered, without gaps or duplicates, resumable, and refused once compacted.
 */
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  isStoreError,
  type StoredObject,
  type StoredValue,
  type StoreErrorCode,
  type StoreEvent,
  type WatchableStore,
} from "../../src/storage/index.js";
import { WatchReader } from "./watch-reader.js";

export interface StoreUnderTest {
  store: WatchableStore;
  /** Close the store and open the same data again (omit for a backend that cannot restart). */
  reopen?: () => Promise<WatchableStore>;
  /** Close whatever is open and remove its data. */
  cleanup: () => Promise<void>;
}

/**
 * Run the suite against `open`, which must return an empty store each time. For the WatcherTooSlow
 * test, the store must drop a watcher that leaves 1000 events unread, but not one that keeps
 * reading while 100 writes commit at once.
 */
export function describeStoreConformance(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name}: WatchableStore conformance`, () => {
    let sut: StoreUnderTest;
    let store: WatchableStore;

    beforeEach(async () => {
      sut = await open();
      store = sut.store;
    });
    afterEach(async () => {
      await sut.cleanup();
    });

    describe("reads and writes", () => {
      it("creates, reads, updates and deletes a key, one revision per mutation", async () => {
        const start = await store.currentRevision();
        const created = await store.create("/registry/pods/default/web", { phase: "Pending" });
        expect(created).toEqual({
          key: "/registry/pods/default/web",
          value: { phase: "Pending" },
          createRevision: start + 1,
          modRevision: start + 1,
        });
        expect(await store.get("/registry/pods/default/web")).toEqual(created);

        const updated = await store.update("/registry/pods/default/web", { phase: "Running" });
        expect(updated).toMatchObject({ value: { phase: "Running" }, createRevision: start + 1 });
        expect(updated.modRevision).toBe(start + 2);

        const deleted = await store.delete("/registry/pods/default/web");
        expect(deleted).toEqual({
          key: "/registry/pods/default/web",
          value: { phase: "Running" },
          createRevision: start + 1,
          modRevision: start + 3,
        });
        expect(await store.get("/registry/pods/default/web")).toBeUndefined();
        expect(await store.currentRevision()).toBe(start + 3);
      });

      it("refuses to create a key twice and changes nothing", async () => {
        const first = await store.create("/k", { v: 1 });
        await expectStoreError(store.create("/k", { v: 2 }), "AlreadyExists", "/k");
        expect(await store.get("/k")).toEqual(first);
        expect(await store.currentRevision()).toBe(first.modRevision);
      });

      it("refuses to update or delete a missing key", async () => {
        const before = await store.currentRevision();
        await expectStoreError(store.update("/missing", { v: 1 }), "NotFound", "/missing");
        await expectStoreError(store.delete("/missing"), "NotFound", "/missing");
        expect(await store.get("/missing")).toBeUndefined();
        expect(await store.currentRevision()).toBe(before);
      });

      it("compare-and-swap: a stale expected revision is a Conflict and writes nothing", async () => {
        const first = await store.create("/cas", { v: 1 });
        const second = await store.update("/cas", { v: 2 }, { expectedRevision: first.modRevision });
        await expectStoreError(
          store.update("/cas", { v: 3 }, { expectedRevision: first.modRevision }),
          "Conflict",
          "/cas",
        );
        await expectStoreError(
          store.delete("/cas", { expectedRevision: first.modRevision }),
          "Conflict",
          "/cas",
        );
        expect(await store.get("/cas")).toEqual(second);
        expect(await store.currentRevision()).toBe(second.modRevision);
        await store.delete("/cas", { expectedRevision: second.modRevision });
        expect(await store.get("/cas")).toBeUndefined();
      });

      it("lets exactly one of many concurrent compare-and-swaps win", async () => {
        const base = await store.create("/race", { winner: -1 });
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            store.update("/race", { winner: i }, { expectedRevision: base.modRevision }),
          ),
        );
        const won = results.filter((r) => r.status === "fulfilled");
        expect(won).toHaveLength(1);
        for (const r of results) {
          if (r.status === "rejected") expect(isStoreError(r.reason, "Conflict")).toBe(true);
        }
        const winner = (won[0] as PromiseFulfilledResult<StoredObject>).value;
        expect(await store.get("/race")).toEqual(winner);
      });

      it("gives concurrent writes distinct, consecutive revisions", async () => {
        const start = await store.currentRevision();
        const created = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.create(`/many/${i}`, { i })),
        );
        const revisions = created.map((o) => o.modRevision).sort((a, b) => a - b);
        expect(revisions).toEqual(Array.from({ length: 50 }, (_, i) => start + i + 1));
        expect(await store.currentRevision()).toBe(start + 50);
        for (const o of created) expect(o.createRevision).toBe(o.modRevision);
      });
    });

    describe("list", () => {
      it("lists the keys under a prefix in key order, and nothing else", async () => {
        for (const key of ["/r/pods/b/2", "/r/pods/a/1", "/r/pods/ab/3", "/r/pods/a/0", "/r/podsx/a/9"]) {
          await store.create(key, { key });
        }
        const keysOf = async (prefix: string) => (await store.list(prefix)).items.map((i) => i.key);
        expect(await keysOf("/r/pods/a/")).toEqual(["/r/pods/a/0", "/r/pods/a/1"]);
        expect(await keysOf("/r/pods/a")).toEqual(["/r/pods/a/0", "/r/pods/a/1", "/r/pods/ab/3"]);
        expect(await keysOf("/r/pods/")).toEqual([
          "/r/pods/a/0",
          "/r/pods/a/1",
          "/r/pods/ab/3",
          "/r/pods/b/2",
        ]);
        expect(await keysOf("/r/none/")).toEqual([]);
        const all = await store.list("/r/pods/");
        expect(all.revision).toBe(await store.currentRevision());
        expect(all).toMatchObject({ more: false, remaining: 0 });
        expect(all.items[0]).toEqual(await store.get("/r/pods/a/0"));
      });

      it("pages with limit and startAfter, saying how many remain", async () => {
        for (let i = 0; i < 10; i++) await store.create(`/p/${i}`, { i });
        const first = await store.list("/p/", { limit: 4 });
        expect(first.items.map((i) => i.key)).toEqual(["/p/0", "/p/1", "/p/2", "/p/3"]);
        expect(first).toMatchObject({ more: true, remaining: 6 });
        const last = await store.list("/p/", { limit: 4, startAfter: "/p/7", revision: first.revision });
        expect(last.items.map((i) => i.key)).toEqual(["/p/8", "/p/9"]);
        expect(last).toMatchObject({ more: false, remaining: 0, revision: first.revision });
      });

      it("lists at a past revision", async () => {
        const a1 = await store.create("/h/a", { v: 1 });
        const b1 = await store.create("/h/b", { v: 1 });
        const at = b1.modRevision;
        await store.update("/h/a", { v: 2 });
        await store.delete("/h/b");
        await store.create("/h/c", { v: 1 });
        await store.create("/other", { v: 1 });

        const past = await store.list("/h/", { revision: at });
        expect(past.revision).toBe(at);
        expect(past.items).toEqual([a1, b1]);
        const before = await store.list("/h/", { revision: a1.modRevision });
        expect(before.items).toEqual([a1]);
        const now = await store.list("/h/");
        expect(now.items.map((i) => [i.key, i.value])).toEqual([
          ["/h/a", { v: 2 }],
          ["/h/c", { v: 1 }],
        ]);
        await expectStoreError(
          store.list("/h/", { revision: (await store.currentRevision()) + 10 }),
          "FutureRevision",
        );
      });

      it("keeps a paginated list consistent at its revision while writes happen", async () => {
        const expected: StoredObject[] = [];
        for (let i = 0; i < 30; i++)
          expected.push(await store.create(`/pg/${String(i).padStart(2, "0")}`, { i }));
        let page = await store.list("/pg/", { limit: 7 });
        const revision = page.revision;
        const seen = [...page.items];
        let round = 0;
        while (page.more) {
          // Writes behind and ahead of the cursor, racing the next page.
          const writes = Promise.allSettled([
            store.update(`/pg/${String(round).padStart(2, "0")}`, { i: -1 }),
            store.delete(`/pg/${String(29 - round).padStart(2, "0")}`),
            store.create(`/pg/${String(round).padStart(2, "0")}x`, { added: round }),
            store.update(`/pg/${String(15 + round).padStart(2, "0")}`, { i: -2 }),
          ]);
          page = await store.list("/pg/", { limit: 7, startAfter: seen.at(-1)!.key, revision });
          expect(page.revision).toBe(revision);
          seen.push(...page.items);
          await writes;
          round++;
        }
        expect(seen).toEqual(expected);
        expect(await store.currentRevision()).toBeGreaterThan(revision);
      });
    });

    describe("watch", () => {
      it("delivers create, update and delete events with their values and revisions", async () => {
        const reader = new WatchReader(store.watch("/w/"));
        const c = await store.create("/w/a", { v: 1 });
        const u = await store.update("/w/a", { v: 2 });
        const d = await store.delete("/w/a");
        const events = await reader.take(3);
        expect(events[0]).toMatchObject({
          type: "create",
          key: "/w/a",
          value: { v: 1 },
          revision: c.modRevision,
          createRevision: c.modRevision,
        });
        expect(events[0]!.prevValue).toBeUndefined();
        expect(events[1]).toMatchObject({
          type: "update",
          key: "/w/a",
          value: { v: 2 },
          prevValue: { v: 1 },
          revision: u.modRevision,
          createRevision: c.modRevision,
        });
        expect(events[2]).toMatchObject({
          type: "delete",
          key: "/w/a",
          value: { v: 2 },
          revision: d.modRevision,
          createRevision: c.modRevision,
        });
        reader.watch.close();
      });

      it("replays history from a revision, then live events, without gap or duplicate", async () => {
        const first = await store.create("/hist/0", { n: 0 });
        for (let n = 1; n < 20; n++) await store.update("/hist/0", { n });
        await store.create("/elsewhere", { n: 0 });
        const since = first.modRevision + 4;
        const reader = new WatchReader(store.watch("/hist/", { sinceRevision: since }));
        // Keep writing while the watch reads its history.
        const writes: Promise<StoredObject>[] = [];
        for (let i = 0; i < 40; i++) writes.push(store.create(`/hist/live-${i}`, { i }));
        const done = await Promise.all(writes);
        const last = Math.max(...done.map((o) => o.modRevision));
        const events = await reader.until(last);
        const expected = [
          ...range(since + 1, first.modRevision + 19),
          ...done.map((o) => o.modRevision).sort((a, b) => a - b),
        ];
        expect(events.map((e) => e.revision)).toEqual(expected);
        expect(events[0]).toMatchObject({ type: "update", value: { n: 5 }, prevValue: { n: 4 } });
        reader.watch.close();
      });

      it("starts at the current revision by default", async () => {
        await store.create("/now/old", {});
        const reader = new WatchReader(store.watch("/now/"));
        const fresh = await store.create("/now/new", {});
        expect((await reader.take(1))[0]).toMatchObject({ key: "/now/new", revision: fresh.modRevision });
        reader.watch.close();
      });

      it("sees only keys under its prefix", async () => {
        const ns = new WatchReader(store.watch("/iso/a/"));
        const odd = new WatchReader(store.watch("/iso/a"));
        await store.create("/iso/ab/x", {});
        await store.create("/iso/b/x", {});
        await store.create("/iso/", {});
        await store.create("/iso/a/x", {});
        expect((await ns.take(1)).map((e) => e.key)).toEqual(["/iso/a/x"]);
        expect((await odd.take(2)).map((e) => e.key)).toEqual(["/iso/ab/x", "/iso/a/x"]);
        ns.watch.close();
        odd.watch.close();
      });

      it("ends iteration cleanly on close()", async () => {
        const watch = store.watch("/c/");
        await store.create("/c/1", {});
        const seen: string[] = [];
        for await (const event of watch) {
          seen.push(event.key);
          watch.close();
        }
        expect(seen).toEqual(["/c/1"]);
        expect(await new WatchReader(watch).next()).toBe("end");
      });

      it("drops a watcher that never reads with WatcherTooSlow, without holding up anyone", async () => {
        const idle = new WatchReader(store.watch("/slow/"));
        const busy = new WatchReader(store.watch("/slow/"));
        const busyEvents = busy.take(1000);
        const start = await store.currentRevision();
        for (let batch = 0; batch < 10; batch++) {
          await Promise.all(Array.from({ length: 100 }, (_, i) => store.create(`/slow/${batch}-${i}`, {})));
        }
        expect((await busyEvents).map((e) => e.revision)).toEqual(range(start + 1, start + 1000));

        let read = 0;
        let failure: unknown;
        try {
          while (read <= 1000 && (await idle.next()) !== "end") read++;
        } catch (err) {
          failure = err;
        }
        expect(isStoreError(failure, "WatcherTooSlow")).toBe(true);
        expect(read).toBeLessThan(1000);
        // It resumes from where it stopped.
        const resumed = new WatchReader(store.watch("/slow/", { sinceRevision: start + read }));
        expect((await resumed.take(1000 - read)).map((e) => e.revision)).toEqual(
          range(start + read + 1, start + 1000),
        );
        resumed.watch.close();
        busy.watch.close();
      });
    });

    describe("compaction", () => {
      it("refuses watches and lists from before the compacted revision", async () => {
        const written: StoredObject[] = [];
        for (let i = 0; i < 10; i++) written.push(await store.create(`/cp/${i}`, { i }));
        const mark = written[4]!.modRevision;
        await store.compact(mark);
        expect(await store.compactedRevision()).toBe(mark);

        const early = new WatchReader(store.watch("/cp/", { sinceRevision: mark - 1 }));
        await expect(early.next()).rejects.toSatisfy((e) => isStoreError(e, "Compacted"));
        await expectStoreError(store.list("/cp/", { revision: mark - 1 }), "Compacted");

        const ok = new WatchReader(store.watch("/cp/", { sinceRevision: mark }));
        expect((await ok.take(5)).map((e) => e.revision)).toEqual(written.slice(5).map((o) => o.modRevision));
        ok.watch.close();
        expect((await store.list("/cp/")).items).toEqual(written);
      });
    });

    describe("restart", () => {
      it("keeps state, revision and history across a restart, and resumes watches", async () => {
        if (!sut.reopen) return;
        const start = await store.currentRevision();
        await store.create("/rs/a", { v: 1 });
        await store.create("/rs/b", { v: 1 });
        await store.update("/rs/a", { v: 2 });
        await store.delete("/rs/b");
        const compactTo = start + 1;
        await store.compact(compactTo);
        const before = await store.list("/rs/");
        const revision = await store.currentRevision();

        store = await sut.reopen();
        expect(await store.currentRevision()).toBe(revision);
        expect(await store.compactedRevision()).toBe(compactTo);
        expect(await store.list("/rs/")).toEqual(before);

        const reader = new WatchReader(store.watch("/rs/", { sinceRevision: compactTo }));
        const next = await store.create("/rs/c", { v: 1 });
        expect(next.modRevision).toBe(revision + 1);
        const events = await reader.until(next.modRevision);
        expect(events.map((e) => [e.type, e.key, e.revision])).toEqual([
          ["create", "/rs/b", start + 2],
          ["update", "/rs/a", start + 3],
          ["delete", "/rs/b", start + 4],
          ["create", "/rs/c", start + 5],
        ]);
        reader.watch.close();
      });

      it("ends open watches with Closed when the store closes", async () => {
        const reader = new WatchReader(store.watch("/x/"));
        await store.close();
        await expect(reader.next()).rejects.toSatisfy((e) => isStoreError(e, "Closed"));
        await expectStoreError(store.create("/x/1", {}), "Closed");
      });
    });

    describe("model", () => {
      it("matches a simple model under random concurrent operations, and so do its watches", async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(operation, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }),
            async (groups) => {
              const run = await open();
              try {
                await checkAgainstModel(run.store, groups);
              } finally {
                await run.cleanup();
              }
            },
          ),
          { numRuns: 30 },
        );
      });
    });
  });
}

async function expectStoreError(
  promise: Promise<unknown>,
  code: StoreErrorCode,
  key?: string,
): Promise<void> {
  await expect(promise).rejects.toMatchObject(key === undefined ? { code } : { code, key });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

// --- the model -----------------------------------------------------------------------------------

/** Watched keys and keys under another prefix, which the watch must never see. */
const KEYS = ["/m/a", "/m/b", "/m/c", "/m/d", "/n/a", "/n/b"];
const WATCHED = "/m/";

/** "fresh" expects the revision the key had before the group; "stale" one that it never had. */
type Cas = "none" | "fresh" | "stale";
type Operation = { type: "create" | "update" | "delete"; key: string; cas: Cas };

const operation: fc.Arbitrary<Operation> = fc.record({
  type: fc.constantFrom("create", "update", "delete"),
  key: fc.constantFrom(...KEYS),
  cas: fc.constantFrom<Cas>("none", "none", "fresh", "stale"),
});

type Model = Map<string, { value: StoredValue; createRevision: number; modRevision: number }>;

interface Launched {
  op: Operation;
  value: StoredValue;
  expectedRevision: number | undefined;
}

/** The error the model says `op` gets in `model`, or undefined if it succeeds. */
function modelRefusal(model: Model, op: Launched): StoreErrorCode | undefined {
  const current = model.get(op.op.key);
  if (op.op.type === "create") return current ? "AlreadyExists" : undefined;
  if (!current) return "NotFound";
  if (op.expectedRevision !== undefined && op.expectedRevision !== current.modRevision) return "Conflict";
  return undefined;
}

function applyEvent(model: Model, event: StoreEvent): void {
  if (event.type === "delete") model.delete(event.key);
  else {
    model.set(event.key, {
      value: event.value,
      createRevision: event.createRevision,
      modRevision: event.revision,
    });
  }
}

async function checkAgainstModel(store: WatchableStore, groups: Operation[][]): Promise<void> {
  const model: Model = new Map();
  let revision = await store.currentRevision();
  expect(revision).toBe(0);
  const fromStart = new WatchReader(store.watch(WATCHED, { sinceRevision: 0 }));
  let lateStarter: WatchReader | undefined;
  const watchedEvents: StoreEvent[] = [];
  let serial = 0;

  for (const group of groups) {
    const launched: Launched[] = group.map((op) => {
      const known = model.get(op.key)?.modRevision ?? 1;
      const expectedRevision = op.cas === "none" ? undefined : op.cas === "fresh" ? known : known + 1000;
      return { op, value: { serial: serial++ }, expectedRevision };
    });
    const results = await Promise.allSettled(
      launched.map(({ op, value, expectedRevision }) =>
        op.type === "create"
          ? store.create(op.key, value)
          : op.type === "update"
            ? store.update(op.key, value, { expectedRevision })
            : store.delete(op.key, { expectedRevision }),
      ),
    );

    // The store serialized the group in some order: its revisions tell which. Replay it.
    const successes = results
      .map((result, i) => ({ result, launched: launched[i]! }))
      .filter(
        (s): s is { result: PromiseFulfilledResult<StoredObject>; launched: Launched } =>
          s.result.status === "fulfilled",
      )
      .sort((a, b) => a.result.value.modRevision - b.result.value.modRevision);
    expect(successes.map((s) => s.result.value.modRevision)).toEqual(
      range(revision + 1, revision + successes.length),
    );
    const states: Model[] = [new Map(model)];
    for (const { result, launched: l } of successes) {
      const object = result.value;
      expect(modelRefusal(model, l)).toBeUndefined();
      const prev = model.get(l.op.key);
      expect(object.key).toBe(l.op.key);
      expect(object.createRevision).toBe(prev?.createRevision ?? object.modRevision);
      expect(object.value).toEqual(l.op.type === "delete" ? prev!.value : l.value);
      const event: StoreEvent = {
        type: l.op.type,
        key: l.op.key,
        value: object.value,
        revision: object.modRevision,
        createRevision: object.createRevision,
      };
      applyEvent(model, event);
      if (event.key.startsWith(WATCHED)) watchedEvents.push(event);
      states.push(new Map(model));
    }
    revision += successes.length;

    // Each refusal must be right in one of the states the group went through.
    results.forEach((result, i) => {
      if (result.status === "fulfilled") return;
      const code = (result.reason as { code?: StoreErrorCode }).code;
      expect(isStoreError(result.reason)).toBe(true);
      expect(states.some((state) => modelRefusal(state, launched[i]!) === code)).toBe(true);
    });

    lateStarter ??= new WatchReader(store.watch(WATCHED, { sinceRevision: 0 }));
  }

  expect(await store.currentRevision()).toBe(revision);
  const listed = await store.list("/");
  expect(listed.revision).toBe(revision);
  expect(listed.items).toEqual(
    [...model.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, entry]) => ({ key, ...entry })),
  );

  // Both watches replay to the model's state, in order, with every watched revision exactly once.
  const lastWatched = watchedEvents.at(-1)?.revision ?? 0;
  const finalWatched = [...model.entries()].filter(([key]) => key.startsWith(WATCHED));
  for (const reader of [fromStart, lateStarter!]) {
    const events = lastWatched === 0 ? [] : await reader.until(lastWatched);
    expect(events.map((e) => e.revision)).toEqual(watchedEvents.map((e) => e.revision));
    expect(events.map((e) => [e.type, e.key])).toEqual(watchedEvents.map((e) => [e.type, e.key]));
    const replayed: Model = new Map();
    for (const event of events) applyEvent(replayed, event);
    expect([...replayed.entries()].sort(([a], [b]) => (a < b ? -1 : 1))).toEqual(
      finalWatched.sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    reader.watch.close();
  }
}

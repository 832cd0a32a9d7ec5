import { errors } from "@minik8s/api";
import { describe, expect, it } from "vitest";
import { FakeClock } from "../src/clock.js";
import {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
} from "../src/rate-limiter.js";
import { runWorkers } from "../src/run-workers.js";
import { WorkQueue } from "../src/work-queue.js";
import { until } from "./until.js";

describe("rate limiters", () => {
  it("backs off per item from 5 ms doubling to the cap, and forgets", () => {
    const rl = new ItemExponentialFailureRateLimiter<string>();
    expect([1, 2, 3, 4].map(() => rl.when("a"))).toEqual([5, 10, 20, 40]);
    expect(rl.when("b")).toBe(5);
    expect(rl.numRequeues("a")).toBe(4);
    for (let i = 0; i < 100; i++) rl.when("a");
    expect(rl.when("a")).toBe(1000_000);
    rl.forget("a");
    expect(rl.numRequeues("a")).toBe(0);
    expect(rl.when("a")).toBe(5);
  });

  it("lets a burst through a token bucket, then spaces items at qps", () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter<string>(10, 3, clock);
    expect([rl.when("a"), rl.when("b"), rl.when("c")]).toEqual([0, 0, 0]);
    expect(rl.when("d")).toBeCloseTo(100);
    expect(rl.when("e")).toBeCloseTo(200);
    clock.advance(1000);
    // 1 s earns 10 tokens, minus the 2 borrowed, capped at the burst of 3.
    expect(rl.when("f")).toBe(0);
  });

  it("takes the longest wait of several limiters (the default controller limiter)", () => {
    const clock = new FakeClock();
    const rl = new MaxOfRateLimiter<string>(
      new ItemExponentialFailureRateLimiter(5, 1000),
      new BucketRateLimiter(1, 1, clock),
    );
    expect(rl.when("a")).toBe(5);
    expect(rl.when("a")).toBeCloseTo(1000);
    const def = defaultControllerRateLimiter<string>(clock);
    expect(def.when("x")).toBe(5);
    expect(def.when("x")).toBe(10);
  });
});

describe("WorkQueue", () => {
  it("queues a key at most once while it waits", async () => {
    const q = new WorkQueue<string>();
    q.add("a");
    q.add("b");
    q.add("a");
    expect(q.length).toBe(2);
    expect(await q.get()).toBe("a");
    expect(await q.get()).toBe("b");
    q.shutdown();
    expect(await q.get()).toBeUndefined();
  });

  it("never hands a key being processed to a second worker; a re-add runs after done", async () => {
    const q = new WorkQueue<string>();
    q.add("a");
    const first = await q.get();
    q.add("a"); // changed while being processed
    q.add("a");
    q.add("b");
    expect(await q.get()).toBe("b"); // not "a": it is still being processed
    let second: string | undefined;
    void q.get().then((k) => {
      second = k;
    });
    await new Promise((r) => setImmediate(r));
    expect(second).toBeUndefined();
    q.done(first as string);
    await until("a handed out again", () => second === "a");
    q.done("a");
    q.done("b");
    expect(q.length).toBe(0);
    q.shutdown();
  });

  it("wakes a waiting worker when a key arrives", async () => {
    const q = new WorkQueue<string>();
    const got = q.get();
    q.add("x");
    expect(await got).toBe("x");
    q.shutdown();
  });

  it("delays addAfter and addRateLimited on the injected clock, keeping the earliest time", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
    q.addAfter("late", 100);
    q.addAfter("late", 500); // later: ignored
    q.addAfter("late", 50); // earlier: wins
    expect(q.length).toBe(0);
    clock.advance(49);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe("late");
    q.done("late");

    q.addRateLimited("r"); // 5 ms
    clock.advance(5);
    expect(await q.get()).toBe("r");
    q.done("r");
    q.addRateLimited("r"); // 10 ms
    clock.advance(9);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(q.length).toBe(1);
    expect(q.numRequeues("r")).toBe(2);
    q.forget("r");
    expect(q.numRequeues("r")).toBe(0);
    q.shutdown();
  });

  it("ignores adds after shutdown and drops delayed keys", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock });
    q.addAfter("d", 10);
    q.shutdown();
    q.add("x");
    clock.advance(100);
    expect(q.length).toBe(0);
    expect(await q.get()).toBeUndefined();
  });

  it("shutDownWithDrain waits until queued and in-flight keys are done", async () => {
    const q = new WorkQueue<string>();
    q.add("a");
    q.add("b");
    const a = (await q.get()) as string;
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => {
      drained = true;
    });
    expect(await q.get()).toBe("b"); // queued keys are still handed out
    expect(await q.get()).toBeUndefined(); // then the shutdown signal
    q.done(a);
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(false); // "b" is still in flight
    q.done("b");
    await drain;
    expect(drained).toBe(true);
  });
});

describe("runWorkers", () => {
  it("reconciles each key, retries failures with backoff, forgets successes, never runs one key twice at once", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock });
    const running = new Set<string>();
    const calls: string[] = [];
    let overlapped = false;
    let failuresLeft = 2;
    const logged: string[] = [];
    const log = {
      debug: () => {},
      info: (_: object, m: string) => logged.push(m),
      warn: () => {},
      error: (_: object, m: string) => logged.push(m),
    };
    const workers = runWorkers(
      q,
      4,
      async (key) => {
        if (running.has(key)) overlapped = true;
        running.add(key);
        calls.push(key);
        await new Promise((r) => setImmediate(r));
        // An event for x arrives while x is processed (first run only).
        if (key === "x" && calls.filter((k) => k === "x").length === 1) q.add("x");
        running.delete(key);
        if (key === "flaky" && failuresLeft-- > 0) {
          throw failuresLeft === 1 ? errors.conflict("pods", "", "flaky", "stale") : new Error("boom");
        }
      },
      log,
    );
    q.add("x");
    q.add("flaky");
    await until("flaky failed once", () => q.numRequeues("flaky") === 1 && clock.waiters() > 0);
    clock.advance(5);
    await until("flaky failed twice", () => q.numRequeues("flaky") === 2 && clock.waiters() > 0);
    clock.advance(10);
    await until(
      "flaky succeeded",
      () => calls.filter((k) => k === "flaky").length === 3 && q.numRequeues("flaky") === 0,
    );
    await until("x ran twice", () => calls.filter((k) => k === "x").length === 2);
    await q.shutDownWithDrain();
    await workers;
    expect(overlapped).toBe(false);
    expect(logged).toContain("conflict; requeued to retry on fresh state");
    expect(logged).toContain("reconcile failed; requeued with backoff");
  });
});

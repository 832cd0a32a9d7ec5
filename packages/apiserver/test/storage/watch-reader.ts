import type { StoreEvent, StoreWatch } from "../../src/storage/index.js";

/**
 * Reads a watch in tests with a bound on every wait, so that a missing event fails the test with
 * what did arrive instead of hanging it. The bound is a safety net, never the thing asserted.
 */
export class WatchReader {
  private readonly iterator: AsyncIterator<StoreEvent>;
  private pending: Promise<IteratorResult<StoreEvent>> | undefined;

  constructor(readonly watch: StoreWatch) {
    this.iterator = watch[Symbol.asyncIterator]();
  }

  /** The next event; "end" when the watch ended, "timeout" when none came within `limitMs`. */
  async next(limitMs = 5_000): Promise<StoreEvent | "end" | "timeout"> {
    this.pending ??= this.iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), limitMs);
    });
    try {
      const result = await Promise.race([this.pending, timeout]);
      if (result === "timeout") return result;
      this.pending = undefined;
      return result.done ? "end" : result.value;
    } catch (err) {
      this.pending = undefined;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Up to `count` events; fewer if the watch ends or stalls for `limitMs`. */
  async take(count: number, limitMs = 5_000): Promise<StoreEvent[]> {
    const events: StoreEvent[] = [];
    while (events.length < count) {
      const event = await this.next(limitMs);
      if (event === "end" || event === "timeout") break;
      events.push(event);
    }
    return events;
  }

  /** Events until one with revision >= `revision` arrives (or the watch ends or stalls). */
  async until(revision: number, limitMs = 5_000): Promise<StoreEvent[]> {
    const events: StoreEvent[] = [];
    for (;;) {
      const event = await this.next(limitMs);
      if (event === "end" || event === "timeout") return events;
      events.push(event);
      if (event.revision >= revision) return events;
    }
  }
}

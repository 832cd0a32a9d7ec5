import { StoreError, type StoreEvent, type StoreWatch } from "./store.js";
import { WaitQueue } from "./wait-queue.js";

/** Pages of past events, oldest first, read on demand (see event-log.ts). */
export type HistoryPages = AsyncIterator<StoreEvent[], void>;

/**
 * One watch. It replays history first (events up to the revision at which it was registered), then
 * the live events the hub delivered meanwhile and afterwards. Registration and the choice of that
 * revision happen in the same synchronous step, so the two phases meet without a gap or overlap.
 *
 * Live events wait in a bounded buffer. The hub never waits for a reader: a watcher whose buffer is
 * full is dropped with WatcherTooSlow, and its reader resumes from the last revision it saw. This
 * is what Kubernetes' cacher does to a watcher that cannot keep up, and what etcd does to a slow
 * watch stream once its send buffer is full (etcd makes the watcher "unsynced" and catches it up
 * from disk later; dropping it and letting the client resume is simpler).
 */
export class Watcher implements StoreWatch {
  private readonly queue = new WaitQueue<StoreEvent>();
  private page: StoreEvent[] = [];
  private pageAt = 0;
  private history: HistoryPages | undefined;
  private failure: StoreError | undefined;
  private ended = false;

  constructor(
    readonly prefix: string,
    /** Deliver only events after this revision. */
    private readonly after: number,
    private readonly bufferSize: number,
    private readonly detach: (watcher: Watcher) => void,
  ) {}

  /** Replay these before the live events: an array (from memory) or pages read from disk. */
  replay(history: StoreEvent[] | HistoryPages): void {
    if (Array.isArray(history)) this.page = history;
    else this.history = history;
  }

  /** A live event from the hub. Never blocks and never throws. */
  deliver(event: StoreEvent): void {
    if (this.ended || this.failure || event.revision <= this.after) return;
    if (this.queue.size >= this.bufferSize) {
      this.fail(
        new StoreError(
          "WatcherTooSlow",
          this.prefix,
          `watch on "${this.prefix}" fell ${this.bufferSize} events behind at revision ${event.revision}; resume from the last revision read`,
        ),
      );
      return;
    }
    this.queue.push(event);
  }

  /** End the watch with an error: the reader gets it at its next read. */
  fail(error: StoreError): void {
    if (this.ended || this.failure) return;
    this.failure = error;
    this.release();
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.release();
  }

  async next(): Promise<IteratorResult<StoreEvent, undefined>> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.ended) return { done: true, value: undefined };
      if (this.pageAt < this.page.length) return { done: false, value: this.page[this.pageAt++]! };
      if (this.history) {
        await this.readPage(this.history);
        continue;
      }
      const event = this.queue.shift();
      if (event) return { done: false, value: event };
      await this.queue.wait();
    }
  }

  async return(): Promise<IteratorResult<StoreEvent, undefined>> {
    this.close();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterator<StoreEvent, undefined> {
    return this;
  }

  private async readPage(history: HistoryPages): Promise<void> {
    try {
      const result = await history.next();
      if (this.history !== history) return;
      if (result.done) this.history = undefined;
      else {
        this.page = result.value;
        this.pageAt = 0;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.fail(new StoreError("Unavailable", this.prefix, `reading watch history failed: ${message}`));
    }
  }

  private release(): void {
    this.detach(this);
    this.queue.clear();
    this.page = [];
    this.pageAt = 0;
    const history = this.history;
    this.history = undefined;
    history?.return?.().catch(() => {});
    this.queue.wake();
  }
}

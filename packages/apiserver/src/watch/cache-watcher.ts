import type { StatusError } from "@minik8s/api";
import { WaitQueue } from "../storage/wait-queue.js";
import type { CacheEvent, ObjectFilter } from "./cache-event.js";
import type { Logger } from "./logger.js";
import type { EventSource, WatchEvent } from "./watch-event.js";

export interface CacheWatcherOptions {
  filter?: ObjectFilter;
  /** Live events it may hold unread before it is dropped. */
  capacity: number;
  /** The cache's revision: where an idle watcher stands. */
  cacheRevision: () => number;
  detach: (watcher: CacheWatcher) => void;
  log?: Logger;
  prefix: string;
}

interface Queued {
  event: WatchEvent;
  revision: number;
}

/**
 * One client's watch on a WatchCache (Kubernetes' cacheWatcher). It hands out, in order, the
 * synthetic ADDED events of its initial state or the history it resumes from, then the live events
 * the cache delivers. Live events wait in a bounded queue; the cache never waits for a reader. A
 * reader that lets the queue fill is dropped: it still gets what was queued, then its stream ends
 * and the client resumes from the last resourceVersion it saw, as with Kubernetes.
 */
export class CacheWatcher implements EventSource {
  private pending: Promise<void> | undefined;
  private begun = false;
  private initial: WatchEvent[] = [];
  private initialAt = 0;
  private history: CacheEvent[] = [];
  private historyAt = 0;
  private readonly queue = new WaitQueue<Queued>();
  /** The newest revision delivered to this watcher, whether or not its filter passed it. */
  private reached = 0;
  /** The revision of the last event handed to the reader (or skipped by its filter). */
  private handedOut = 0;
  private stopping = false;
  private failure: StatusError | undefined;
  private closed = false;

  constructor(private readonly options: CacheWatcherOptions) {}

  /** Wait for this before the first event (e.g. for the cache to reach a requested revision). */
  deferUntil(ready: Promise<void>): void {
    // A reader that closes before its first read never sees the outcome; nothing must go unhandled.
    ready.catch(() => {});
    this.pending = ready;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Start after `revision`: first `initial` (synthetic events), then `history`, then live events. */
  begin(revision: number, initial: WatchEvent[], history: CacheEvent[]): void {
    this.begun = true;
    this.initial = initial;
    this.history = history;
    this.handedOut = revision;
    this.reached = history.length > 0 ? history[history.length - 1]!.revision : revision;
  }

  /** A live event from the cache. Never blocks and never throws. */
  deliver(event: CacheEvent): void {
    if (!this.begun || this.stopping || this.closed || event.revision <= this.reached) return;
    this.reached = event.revision;
    const seen = event.seenThrough(this.options.filter);
    if (!seen) return;
    if (this.queue.size >= this.options.capacity) {
      this.options.log?.info(
        { prefix: this.options.prefix, revision: event.revision, capacity: this.options.capacity },
        "closing a watch that fell behind; the client resumes from its last resourceVersion",
      );
      this.terminate();
      return;
    }
    this.queue.push({ event: seen, revision: event.revision });
  }

  /** Stop receiving; the reader gets what is queued, then the end of the stream or `error`. */
  terminate(error?: StatusError): void {
    if (this.stopping || this.closed) return;
    this.stopping = true;
    this.failure = error;
    this.options.detach(this);
    this.queue.wake();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.detach(this);
    this.initial = [];
    this.history = [];
    this.queue.clear();
    this.queue.wake();
  }

  position(): number | undefined {
    if (!this.begun || this.initialAt < this.initial.length) return undefined;
    if (this.historyAt < this.history.length || this.queue.size > 0) return this.handedOut;
    if (this.stopping) return this.handedOut;
    return Math.max(this.handedOut, this.reached, this.options.cacheRevision());
  }

  async next(): Promise<IteratorResult<WatchEvent, undefined>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      if (this.pending) {
        const pending = this.pending;
        try {
          await pending;
        } catch (err) {
          this.close();
          throw err;
        }
        if (this.pending === pending) this.pending = undefined;
        continue;
      }
      if (this.initialAt < this.initial.length) {
        const event = this.initial[this.initialAt++]!;
        if (this.initialAt === this.initial.length) {
          this.initial = [];
          this.initialAt = 0;
        }
        return { done: false, value: event };
      }
      while (this.historyAt < this.history.length) {
        const event = this.history[this.historyAt++]!;
        this.handedOut = event.revision;
        if (this.historyAt === this.history.length) {
          this.history = [];
          this.historyAt = 0;
        }
        const seen = event.seenThrough(this.options.filter);
        if (seen) return { done: false, value: seen };
      }
      const queued = this.queue.shift();
      if (queued) {
        this.handedOut = queued.revision;
        return { done: false, value: queued.event };
      }
      if (this.stopping) {
        const failure = this.failure;
        this.close();
        if (failure) throw failure;
        return { done: true, value: undefined };
      }
      await this.queue.wait();
    }
  }

  async return(): Promise<IteratorResult<WatchEvent, undefined>> {
    this.close();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent, undefined> {
    return this;
  }
}

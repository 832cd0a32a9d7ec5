import { type Clock, realClock } from "./clock.js";
import { defaultControllerRateLimiter, type RateLimiter } from "./rate-limiter.js";

export interface WorkQueueOptions<K> {
  clock?: Clock;
  rateLimiter?: RateLimiter<K>;
}

/**
 * client-go's rate-limiting work queue, the heart of every controller. It holds keys, not
 * objects, and guarantees:
 * - a key waits in the queue at most once, however often it is added (events coalesce);
 * - a key being processed is never handed to a second worker: added again meanwhile, it is
 *   queued once `done` is called, so the newest state is processed after the current run;
 * - `addRateLimited` retries a failing key later and later (per-key exponential backoff under
 *   an overall token bucket); `forget` resets it after a success.
 *
 * `get()` resolves with the next key, or `undefined` once the queue is shut down and empty.
 */
export class WorkQueue<K> {
  private readonly queue: K[] = [];
  /** Keys that need processing: waiting in `queue`, or re-added while processing. */
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly delayed = new Map<K, { at: number; cancel: () => void }>();
  private readonly getters: ((key: K | undefined) => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private shuttingDown = false;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Adds after `ms`. A key already waiting keeps the earlier of the two times. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    existing?.cancel();
    const cancel = this.clock.setTimer(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, cancel });
  }

  /** Retries a key after the rate limiter's wait: how a failed reconcile is requeued. */
  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Clears a key's failure history; call it after a successful reconcile. */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** The next key to process; `undefined` means shut down: the worker should return. */
  get(): Promise<K | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) return Promise.resolve(this.take(key));
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks a key processed. If it was added meanwhile, it is queued again now. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) this.push(key);
    else if (this.shuttingDown) this.maybeDrained();
  }

  /** Keys waiting (not those being processed or delayed). */
  get length(): number {
    return this.queue.length;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /**
   * Stops accepting keys and drops delayed ones. Workers still receive what is already queued,
   * then `undefined` (client-go's ShutDown).
   */
  shutdown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const { cancel } of this.delayed.values()) cancel();
    this.delayed.clear();
    for (const getter of this.getters.splice(0)) getter(undefined);
    this.maybeDrained();
  }

  /** Shuts down and resolves once every queued key has been processed and marked done. */
  shutDownWithDrain(): Promise<void> {
    this.shutdown();
    if (this.isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private push(key: K): void {
    const getter = this.getters.shift();
    if (getter) getter(this.take(key));
    else this.queue.push(key);
  }

  private take(key: K): K {
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private isDrained(): boolean {
    return this.queue.length === 0 && this.processing.size === 0;
  }

  private maybeDrained(): void {
    if (!this.isDrained()) return;
    for (const wake of this.drainWaiters.splice(0)) wake();
  }
}

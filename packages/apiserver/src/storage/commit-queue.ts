/**
 * Group commit: callers queue work, and a single committer takes what is queued as one batch, so
 * one fsync acknowledges many writes. etcd does the same: its backend commits a bbolt transaction
 * holding many writes, and raft batches proposals; a database's write-ahead log calls it group
 * commit.
 *
 * Pipelined, two deep: while one batch is on disk, the next is prepared (validated against the
 * state the first will leave, and encoded), and its write starts the moment the first one's ends,
 * before the first one's callers are answered. Those callers then prepare their next writes while
 * the second batch is on disk, so the JavaScript work of one batch overlaps the fsync of another
 * instead of adding to it. Writes still reach the disk one at a time, in revision order, so the
 * log never has a hole, even after a crash.
 */
export interface CommitStages<T, B> {
  /** Validate `items` and build their write. Synchronous: batches are prepared in queue order. */
  prepare(items: T[]): B;
  /** Make the batch durable. Called only after the previous batch's write succeeded. */
  write(batch: B): Promise<void>;
  /**
   * Make the batch visible and settle every item; `failure` is set when this batch's write, or an
   * earlier one, failed. Must not throw.
   */
  publish(batch: B, failure: { error: unknown } | undefined): void;
}

type Written = { error: unknown } | undefined;

export class CommitQueue<T, B> {
  private queue: T[] = [];
  private running: Promise<void> | undefined;

  /**
   * `maxBatch` splits a large wave of writes into batches that pipeline; a smaller one would add
   * fsyncs without adding overlap.
   */
  constructor(
    private readonly stages: CommitStages<T, B>,
    private readonly maxBatch: number,
  ) {}

  push(item: T): void {
    this.queue.push(item);
    this.running ??= this.drain();
  }

  /** Resolves once everything queued so far is committed. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private take(): T[] {
    if (this.queue.length <= this.maxBatch) {
      const all = this.queue;
      this.queue = [];
      return all;
    }
    return this.queue.splice(0, this.maxBatch);
  }

  private async drain(): Promise<void> {
    let writing: { batch: B; written: Promise<Written> } | undefined;
    for (;;) {
      // Wait for the end of this turn of the event loop: writers woken by the previous batch queue
      // their next write in promise continuations, and they should join this batch, not the next.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const next = this.queue.length > 0 ? this.stages.prepare(this.take()) : undefined;
      if (!writing && !next) break;
      const written = writing ? await writing.written : undefined;
      const nextWriting = next && {
        batch: next,
        written: written ? Promise.resolve(written) : this.write(next),
      };
      if (writing) this.stages.publish(writing.batch, written);
      writing = nextWriting;
    }
    this.running = undefined;
  }

  private write(batch: B): Promise<Written> {
    return this.stages.write(batch).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
  }
}

/**
 * Group commit: callers queue work, and a single committer takes everything queued so far as one
 * batch. While a batch is being written (the slow part: an fsync), the next one accumulates, so
 * one fsync acknowledges as many writes as arrived during the previous one.
 *
 * etcd does the same: its backend commits a bbolt transaction holding many writes, and raft
 * batches proposals; a database's write-ahead log calls it group commit.
 */
export class CommitQueue<T> {
  private queue: T[] = [];
  private running: Promise<void> | undefined;

  /** `commit` handles one batch; it must settle every item itself and never throw. */
  constructor(private readonly commit: (batch: T[]) => Promise<void>) {}

  push(item: T): void {
    this.queue.push(item);
    this.running ??= this.drain();
  }

  /** Resolves once everything queued so far is committed. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      // Wait for the end of this turn of the event loop: writers woken by the previous batch queue
      // their next write in promise continuations, and they should join this batch, not the next.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.queue.length === 0) break;
      const batch = this.queue;
      this.queue = [];
      await this.commit(batch);
    }
    this.running = undefined;
  }
}

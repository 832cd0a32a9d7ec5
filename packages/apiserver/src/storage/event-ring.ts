import type { StoreEvent } from "./store.js";

/**
 * The most recent events, in memory, so that a watch or a list that starts a little in the past is
 * served without reading the log from disk. Kubernetes' apiserver keeps the same thing in front of
 * etcd (the watch cache's cyclic buffer).
 *
 * Every revision is exactly one event, so the ring holds a contiguous run of revisions and an
 * event is found by arithmetic, not by search.
 */
export class EventRing {
  private readonly events: (StoreEvent | undefined)[];
  private start = 0;
  private count = 0;
  /** The revision of the oldest event held; the next expected one when the ring is empty. */
  private first: number;

  constructor(
    private readonly capacity: number,
    currentRevision: number,
  ) {
    this.events = new Array(Math.max(1, capacity));
    this.first = currentRevision + 1;
  }

  push(event: StoreEvent): void {
    if (this.capacity <= 0) {
      this.first = event.revision + 1;
      return;
    }
    if (this.count === this.capacity) {
      this.start = (this.start + 1) % this.capacity;
      this.count--;
      this.first++;
    }
    this.events[(this.start + this.count) % this.capacity] = event;
    this.count++;
  }

  /**
   * The held events with revision > `revision` whose key starts with `prefix`, oldest first; or
   * undefined when some of them have already left the ring (read the log on disk instead).
   */
  after(revision: number, prefix: string): StoreEvent[] | undefined {
    if (revision + 1 < this.first) return undefined;
    const out: StoreEvent[] = [];
    for (let i = Math.max(0, revision + 1 - this.first); i < this.count; i++) {
      const event = this.events[(this.start + i) % this.capacity]!;
      if (event.key.startsWith(prefix)) out.push(event);
    }
    return out;
  }
}

import type { CacheEvent } from "./cache-event.js";

/**
 * The most recent events of one resource, oldest first, in a fixed-size ring (Kubernetes' watch
 * cache keeps the same cyclic buffer). A watch that resumes from a revision the ring still covers
 * is served from here; an older one gets 410 and relists.
 */
export class EventHistory {
  private readonly ring: (CacheEvent | undefined)[];
  private start = 0;
  private count = 0;
  /** Every event with a revision above this one is held. */
  private complete: number;

  constructor(
    private readonly capacity: number,
    revision: number,
  ) {
    this.ring = new Array(Math.max(1, capacity));
    this.complete = revision;
  }

  /** The oldest revision a watch can resume from. */
  get oldest(): number {
    return this.complete;
  }

  get size(): number {
    return this.count;
  }

  push(event: CacheEvent): void {
    if (this.capacity <= 0) {
      this.complete = event.revision;
      return;
    }
    if (this.count === this.capacity) {
      this.complete = this.at(0).revision;
      this.ring[this.start] = undefined;
      this.start = (this.start + 1) % this.capacity;
      this.count--;
    }
    this.ring[(this.start + this.count) % this.capacity] = event;
    this.count++;
  }

  /** Events with a revision strictly above `revision`; the caller checks `oldest` first. */
  since(revision: number): CacheEvent[] {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.at(mid).revision <= revision) low = mid + 1;
      else high = mid;
    }
    const out: CacheEvent[] = [];
    for (let i = low; i < this.count; i++) out.push(this.at(i));
    return out;
  }

  /** Forget everything: the cache relisted at `revision`. */
  reset(revision: number): void {
    this.ring.fill(undefined);
    this.start = 0;
    this.count = 0;
    this.complete = revision;
  }

  private at(index: number): CacheEvent {
    return this.ring[(this.start + index) % this.capacity]!;
  }
}

/**
 * A first-in first-out queue whose reader can wait for the next item: what sits between a
 * producer that must never block (the store's fan-out, the watch cache) and a reader that takes
 * items at its own pace. `shift` is O(1): items are read from a moving head, and the array is
 * trimmed only once the head has passed half of it.
 */
export class WaitQueue<T> {
  private items: T[] = [];
  private head = 0;
  private waiting: (() => void) | undefined;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++]!;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  /** Resolves at the next `push` or `wake`; one reader at a time. */
  wait(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting = resolve;
    });
  }

  /** Let the waiting reader look again (something other than an item changed: closed, failed). */
  wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}

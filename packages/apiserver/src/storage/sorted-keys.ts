/**
 * The keys of the current state in sorted order, for prefix lists and pagination.
 *
 * etcd keeps its key index in a B-tree. A sorted array with binary search is simpler and, for the
 * tens of thousands of objects a small cluster holds, an insert's memmove costs microseconds.
 * Order is JavaScript string order (UTF-16 code units), used consistently by every list.
 */
export class SortedKeys {
  private readonly keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** Index of the first key >= `key`. */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first key > `key`. */
  upperBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The index range [start, end) of the keys that start with `prefix` and sort after `startAfter`.
   * Keys with a common prefix are contiguous in sorted order, so two binary searches find them.
   */
  range(prefix: string, startAfter?: string): { start: number; end: number } {
    let start = this.lowerBound(prefix);
    if (startAfter !== undefined && startAfter >= prefix)
      start = Math.max(start, this.upperBound(startAfter));
    let lo = start;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]!.startsWith(prefix)) lo = mid + 1;
      else hi = mid;
    }
    return { start, end: Math.max(start, lo) };
  }

  at(index: number): string {
    return this.keys[index]!;
  }

  insert(key: string): void {
    const at = this.lowerBound(key);
    if (this.keys[at] !== key) this.keys.splice(at, 0, key);
  }

  remove(key: string): void {
    const at = this.lowerBound(key);
    if (this.keys[at] === key) this.keys.splice(at, 1);
  }

  /** Replace the contents with `keys` in any order (used once, when the store opens). */
  reset(keys: Iterable<string>): void {
    this.keys.length = 0;
    for (const key of keys) this.keys.push(key);
    this.keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

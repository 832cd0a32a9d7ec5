/**
 * The keys of the current state in sorted order, for prefix lists and pagination.
 *
 * etcd keeps its key index in a B-tree. This is the smallest step in that direction: sorted
 * chunks of at most CHUNK keys, in order. An insert searches for its chunk, then moves at most a
 * chunk's worth of keys; one flat sorted array would move half the keyspace on every create
 * (tens of microseconds at 50,000 pods, growing with the cluster). A chunk that overflows splits
 * in two; one that empties goes. Order is JavaScript string order (UTF-16 code units), used
 * consistently by every list.
 */
const CHUNK = 512;

export class SortedKeys {
  private chunks: string[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  insert(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.count = 1;
      return;
    }
    // The first chunk that ends at or after `key`; past the last one, the last one grows.
    const c = Math.min(this.chunkAfter(key, false), this.chunks.length - 1);
    const chunk = this.chunks[c]!;
    const at = lowerBound(chunk, key);
    if (chunk[at] === key) return;
    chunk.splice(at, 0, key);
    this.count++;
    if (chunk.length > CHUNK) this.chunks.splice(c + 1, 0, chunk.splice(CHUNK / 2));
  }

  remove(key: string): void {
    const c = this.chunkAfter(key, false);
    const chunk = this.chunks[c];
    if (!chunk) return;
    const at = lowerBound(chunk, key);
    if (chunk[at] !== key) return;
    chunk.splice(at, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(c, 1);
  }

  /**
   * The keys that start with `prefix` and sort after `startAfter`, in order: the first `limit` of
   * them, and how many more there are. Keys with a common prefix are contiguous in sorted order,
   * so the walk starts with a search and stops at the first key without the prefix.
   */
  select(
    prefix: string,
    startAfter?: string,
    limit = Number.POSITIVE_INFINITY,
  ): { keys: string[]; remaining: number } {
    const after = startAfter !== undefined && startAfter >= prefix;
    let c = this.chunkAfter(after ? startAfter : prefix, after);
    const first = this.chunks[c];
    let i = first ? (after ? upperBound(first, startAfter) : lowerBound(first, prefix)) : 0;
    const keys: string[] = [];
    let remaining = 0;
    for (; c < this.chunks.length; c++, i = 0) {
      const chunk = this.chunks[c]!;
      // Past the limit only the count is wanted: a chunk that has the prefix at both ends has it
      // throughout.
      if (
        keys.length >= limit &&
        chunk[i]!.startsWith(prefix) &&
        chunk[chunk.length - 1]!.startsWith(prefix)
      ) {
        remaining += chunk.length - i;
        continue;
      }
      for (; i < chunk.length; i++) {
        const key = chunk[i]!;
        if (!key.startsWith(prefix)) return { keys, remaining };
        if (keys.length < limit) keys.push(key);
        else remaining++;
      }
    }
    return { keys, remaining };
  }

  /** Replace the contents with `keys` in any order (used once, when the store opens). */
  reset(keys: Iterable<string>): void {
    const all = [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.chunks = [];
    for (let i = 0; i < all.length; i += CHUNK / 2) this.chunks.push(all.slice(i, i + CHUNK / 2));
    this.count = all.length;
  }

  /** The first chunk whose last key is >= `key` (> with `strict`); the chunk count if none is. */
  private chunkAfter(key: string, strict: boolean): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid]!;
      const last = chunk[chunk.length - 1]!;
      if (strict ? last <= key : last < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Index of the first key >= `key`. */
const lowerBound = (keys: string[], key: string): number => bound(keys, key, false);

/** Index of the first key > `key`. */
const upperBound = (keys: string[], key: string): number => bound(keys, key, true);

function bound(keys: string[], key: string, strict: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid]!;
    if (strict ? k <= key : k < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

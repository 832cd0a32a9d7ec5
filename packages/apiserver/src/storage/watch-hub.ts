import type { StoreEvent } from "./store.js";
import type { Watcher } from "./watcher.js";

/**
 * Fan-out of committed events to the watchers whose prefix matches.
 *
 * Watch prefixes are nearly always a '/'-boundary of a key: "/registry/pods/" (all pods),
 * "/registry/pods/default/" (one namespace). Such watchers are indexed by prefix, and an event
 * looks up each '/'-boundary prefix of its key ("", "/", "/registry/", "/registry/pods/", ...): the
 * cost is a few map lookups per event, whatever the number of watchers. Any other prefix (e.g. one
 * object's key, which also matches keys it is a prefix of) goes on a short list that is scanned.
 * etcd keeps watchers in an interval tree for the same purpose.
 */
export class WatchHub {
  private readonly byPrefix = new Map<string, Set<Watcher>>();
  private readonly others = new Set<Watcher>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(watcher: Watcher): void {
    const { prefix } = watcher;
    if (isBoundary(prefix)) {
      let set = this.byPrefix.get(prefix);
      if (!set) {
        set = new Set();
        this.byPrefix.set(prefix, set);
      }
      if (set.has(watcher)) return;
      set.add(watcher);
    } else {
      if (this.others.has(watcher)) return;
      this.others.add(watcher);
    }
    this.count++;
  }

  remove(watcher: Watcher): void {
    const { prefix } = watcher;
    if (isBoundary(prefix)) {
      const set = this.byPrefix.get(prefix);
      if (!set?.delete(watcher)) return;
      if (set.size === 0) this.byPrefix.delete(prefix);
    } else if (!this.others.delete(watcher)) return;
    this.count--;
  }

  publish(events: readonly StoreEvent[]): void {
    if (this.count === 0) return;
    for (const event of events) {
      const key = event.key;
      this.deliverTo(this.byPrefix.get(""), event);
      for (let slash = key.indexOf("/"); slash >= 0; slash = key.indexOf("/", slash + 1)) {
        this.deliverTo(this.byPrefix.get(key.slice(0, slash + 1)), event);
      }
      for (const watcher of this.others) {
        if (key.startsWith(watcher.prefix)) watcher.deliver(event);
      }
    }
  }

  /** Every watcher, e.g. to end them all when the store closes. */
  all(): Watcher[] {
    const out = [...this.others];
    for (const set of this.byPrefix.values()) out.push(...set);
    return out;
  }

  private deliverTo(watchers: Set<Watcher> | undefined, event: StoreEvent): void {
    if (watchers) for (const watcher of watchers) watcher.deliver(event);
  }
}

function isBoundary(prefix: string): boolean {
  return prefix === "" || prefix.endsWith("/");
}

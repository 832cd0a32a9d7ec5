import type { StoredValue } from "../storage/store.js";
import type { ApiObject, WatchEvent } from "./watch-event.js";

export type Decorate = (value: StoredValue, revision: number) => ApiObject;
export type ObjectFilter = (object: ApiObject) => boolean;

/**
 * One change as the cache keeps it: decoded once and shared by every watcher (Kubernetes'
 * watchCacheEvent). `previous` is the object as the cache held it before the change, so that a
 * watcher with a selector can tell an object entering or leaving its selection.
 */
export class CacheEvent {
  private leaving: ApiObject | undefined;

  constructor(
    readonly type: "ADDED" | "MODIFIED" | "DELETED",
    readonly key: string,
    readonly revision: number,
    /** For DELETED: the deleted object, its resourceVersion the deletion's revision. */
    readonly object: ApiObject,
    readonly previous: { value: StoredValue; object: ApiObject } | undefined,
    private readonly decorate: Decorate,
  ) {}

  /**
   * What a watcher with `filter` sees of this change, or undefined when nothing. As in Kubernetes,
   * an update that moves an object out of the selection is a DELETED of the old object (at this
   * revision), and one that moves it in is an ADDED.
   */
  seenThrough(filter: ObjectFilter | undefined): WatchEvent | undefined {
    if (!filter) return { type: this.type, object: this.object };
    if (this.type !== "MODIFIED")
      return filter(this.object) ? { type: this.type, object: this.object } : undefined;
    const now = filter(this.object);
    const before = this.previous !== undefined && filter(this.previous.object);
    if (now) return { type: before ? "MODIFIED" : "ADDED", object: this.object };
    if (before) return { type: "DELETED", object: this.leavingObject() };
    return undefined;
  }

  private leavingObject(): ApiObject {
    this.leaving ??= this.decorate(this.previous!.value, this.revision);
    return this.leaving;
  }
}

import { type KubeObject, objectKey } from "./kube-object.js";

/** Maps an object to the values it is filed under (none, one or several). */
export type IndexFunc<T> = (obj: T) => string[];

/** Built-in index names: every Informer has them. */
export const NAMESPACE_INDEX = "namespace";
export const OWNER_UID_INDEX = "ownerUid";

export const namespaceIndexFunc: IndexFunc<KubeObject> = (obj) => [obj.metadata?.namespace ?? ""];
export const ownerUidIndexFunc: IndexFunc<KubeObject> = (obj) =>
  (obj.metadata?.ownerReferences ?? []).map((ref) => ref.uid);

/**
 * client-go's thread-safe store with indexers: objects by key, plus for each index a map from
 * value to the keys filed under it, updated on every write. `byIndex("ownerUid", rs.uid)` is
 * then a lookup, not a scan over every pod; that is what keeps controllers cheap.
 */
export class Indexer<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly funcs = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers({
      [NAMESPACE_INDEX]: namespaceIndexFunc,
      [OWNER_UID_INDEX]: ownerUidIndexFunc,
      ...indexers,
    });
  }

  /** Adds indexes; existing objects are filed under them at once. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.funcs.has(name)) throw new Error(`index "${name}" already exists`);
      this.funcs.set(name, fn);
      this.indices.set(name, new Map());
      for (const [key, obj] of this.items) this.file(name, fn, key, obj);
    }
  }

  /** Adds or replaces an object; returns the previous one. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unfileAll(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.funcs) this.file(name, fn, key, obj);
    return old;
  }

  /** Removes by key; returns what was there. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unfileAll(key, old);
    this.items.delete(key);
    return old;
  }

  /** Replaces everything (a relist). */
  replace(objs: readonly T[]): void {
    this.items.clear();
    for (const index of this.indices.values()) index.clear();
    for (const obj of objs) this.set(obj);
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  /** Objects filed under `value` in index `name`; an unknown index is a programming error. */
  byIndex(name: string, value: string): T[] {
    return this.indexKeys(name, value).map((key) => this.items.get(key) as T);
  }

  indexKeys(name: string, value: string): string[] {
    const index = this.indices.get(name);
    if (!index)
      throw new Error(`index "${name}" does not exist (known: ${[...this.funcs.keys()].join(", ")})`);
    return [...(index.get(value) ?? [])];
  }

  private file(name: string, fn: IndexFunc<T>, key: string, obj: T): void {
    const index = this.indices.get(name) as Map<string, Set<string>>;
    for (const value of new Set(fn(obj))) {
      const keys = index.get(value);
      if (keys) keys.add(key);
      else index.set(value, new Set([key]));
    }
  }

  private unfileAll(key: string, obj: T): void {
    for (const [name, fn] of this.funcs) {
      const index = this.indices.get(name) as Map<string, Set<string>>;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}

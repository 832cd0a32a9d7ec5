import type { StoredValue } from "../storage/store.js";
import type { ApiObject } from "../watch/watch-event.js";

/** Where a stored value keeps the object built from it; a symbol, so no JSON or copy sees it. */
const VERSIONED = Symbol("versioned");

interface Memo {
  [VERSIONED]?: { revision: number; object: ApiObject };
}

/**
 * A stored value as clients see it: the value with `metadata.resourceVersion` set to the store
 * revision that wrote it. Kubernetes' etcd3 storage does the same on every read, since etcd keeps
 * the revision beside the value, not in it.
 *
 * Built once per stored value and revision, then shared by every reader (GET, LIST, the watch
 * cache and every watch), so that its JSON can be built once too (see ../watch/cached-json.ts).
 * Shared means read-only: code that changes an object changes a deepCopy of it.
 */
export function versioned(value: StoredValue, revision: number): ApiObject {
  const memo = value as Memo;
  const known = memo[VERSIONED];
  if (known?.revision === revision) return known.object;
  const obj = value as ApiObject;
  const object = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
  // A deleted value is also shown at the deletion's revision: keep the one it was stored at.
  if (!known) Object.defineProperty(memo, VERSIONED, { value: { revision, object } });
  return object;
}

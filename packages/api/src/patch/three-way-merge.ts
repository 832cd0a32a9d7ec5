import {
  deepCopy,
  deepEqual,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  own,
  put,
} from "./json-value.js";
import { catchPatchError, PatchError, type PatchResult, patchFailed } from "./patch-error.js";
import { elementMeta, fieldMeta, type PatchMeta } from "./patch-meta.js";
import { directive, elementId, fieldPath } from "./strategic-merge-patch.js";

/**
 * The strategic merge patch `kubectl apply` sends: it sets what `modified` (the new manifest) says
 * wherever `current` (the live object) differs, and deletes what `original` (the last applied
 * configuration) had but `modified` dropped. Fields that only `current` has, set by the server or
 * by other writers, are left alone. An empty object means there is nothing to do.
 *
 * Where we differ from Kubernetes: a deletion is sent only when `current` still has the field or
 * element, `$setElementOrder` only when the elements `modified` lists are out of order in
 * `current` (not when `current` merely has more of them), and `$retainKeys` only when the map has
 * changes, so that re-applying an unchanged manifest always yields `{}`.
 */
export function createThreeWayMergePatch(
  original: JsonValue | undefined,
  modified: JsonValue,
  current: JsonValue,
  meta: PatchMeta,
): PatchResult<JsonObject> {
  if (!isJsonObject(modified) || !isJsonObject(current)) {
    return patchFailed(new PatchError("", "the manifest and the live object must be JSON objects"));
  }
  const last = isJsonObject(original) ? original : undefined;
  return catchPatchError(() => diffMap(last, modified, current, meta, ""));
}

/** The strategic merge patch that turns `original` into `modified`. */
export function createTwoWayMergePatch(
  original: JsonValue,
  modified: JsonValue,
  meta: PatchMeta,
): PatchResult<JsonObject> {
  return createThreeWayMergePatch(original, modified, original, meta);
}

const isAbsent = (value: JsonValue | undefined): value is null | undefined =>
  value === undefined || value === null;

function diffMap(
  original: JsonObject | undefined,
  modified: JsonObject,
  current: JsonObject,
  meta: PatchMeta,
  path: string,
): JsonObject {
  const patch: JsonObject = {};
  for (const [key, wanted] of Object.entries(modified)) {
    const live = own(current, key);
    const child = fieldMeta(meta, key);
    const here = fieldPath(path, key);
    if (wanted === null) {
      if (!isAbsent(live)) put(patch, key, null);
    } else if (isAbsent(live)) {
      put(patch, key, deepCopy(wanted));
    } else if (isJsonObject(wanted) && isJsonObject(live)) {
      const last = own(original, key);
      const nested = diffMap(isJsonObject(last) ? last : undefined, wanted, live, child, here);
      if (Object.keys(nested).length > 0) put(patch, key, nested);
    } else if (Array.isArray(wanted) && Array.isArray(live) && child.merge) {
      const last = own(original, key);
      const lastList = Array.isArray(last) ? last : [];
      if (child.mergeKey === undefined) diffPrimitiveList(patch, key, lastList, wanted, live, here);
      else diffKeyedList(patch, key, lastList, wanted, live, child, here);
    } else if (!deepEqual(wanted, live)) {
      put(patch, key, deepCopy(wanted));
    }
  }
  for (const key of Object.keys(original ?? {})) {
    if (own(modified, key) === undefined && !isAbsent(own(current, key))) put(patch, key, null);
  }
  if (meta.retainKeys && Object.keys(patch).length > 0) {
    const kept = Object.keys(modified).filter((key) => modified[key] !== null);
    put(patch, directive.retainKeys, kept.sort());
  }
  return patch;
}

/** Whether the ids both lists share appear in the same order in each. */
function sameRelativeOrder(
  wanted: readonly (string | undefined)[],
  live: readonly (string | undefined)[],
): boolean {
  const inWanted = new Set(wanted);
  const inLive = new Set(live);
  const a = wanted.filter((id) => inLive.has(id));
  const b = live.filter((id) => inWanted.has(id));
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function diffKeyedList(
  patch: JsonObject,
  key: string,
  original: JsonValue[],
  modified: JsonValue[],
  current: JsonValue[],
  meta: PatchMeta,
  path: string,
): void {
  const mergeKey = meta.mergeKey as string;
  const identity = (item: JsonValue) => elementId(item, mergeKey);
  const byId = (list: JsonValue[]) => {
    const found = new Map<string, JsonObject>();
    for (const item of list) {
      const id = identity(item);
      if (id !== undefined && isJsonObject(item) && !found.has(id)) found.set(id, item);
    }
    return found;
  };
  const live = byId(current);
  const last = byId(original);

  const wantedIds = modified.map((item, index) => {
    const id = identity(item);
    if (id === undefined || !isJsonObject(item)) {
      throw new PatchError(`${path}[${index}]`, `expected an object with the merge key ${mergeKey}`);
    }
    return id;
  });

  const changes: JsonValue[] = [];
  modified.forEach((item, index) => {
    const wanted = item as JsonObject;
    const id = wantedIds[index] as string;
    const liveItem = live.get(id);
    if (liveItem === undefined) {
      changes.push(deepCopy(wanted));
      return;
    }
    const nested = diffMap(last.get(id), wanted, liveItem, elementMeta(meta), `${path}[${index}]`);
    if (Object.keys(nested).length > 0) {
      put(nested, mergeKey, deepCopy(wanted[mergeKey] as JsonValue));
      changes.push(nested);
    }
  });

  const kept = new Set(wantedIds);
  const deletions: JsonValue[] = [];
  for (const [id, item] of last) {
    if (kept.has(id) || !live.has(id)) continue;
    deletions.push({ [directive.patch]: "delete", [mergeKey]: deepCopy(item[mergeKey] as JsonValue) });
  }

  const changed = changes.length > 0 || deletions.length > 0;
  if (changed) put(patch, key, [...changes, ...deletions]);
  if (changed || !sameRelativeOrder(wantedIds, current.map(identity))) {
    const order = modified.map((item) => ({
      [mergeKey]: deepCopy((item as JsonObject)[mergeKey] as JsonValue),
    }));
    put(patch, directive.setElementOrder + key, order);
  }
}

function diffPrimitiveList(
  patch: JsonObject,
  key: string,
  original: JsonValue[],
  modified: JsonValue[],
  current: JsonValue[],
  path: string,
): void {
  const identity = (item: JsonValue) => elementId(item, undefined);
  const wantedIds = modified.map((item, index) => {
    const id = identity(item);
    if (id === undefined)
      throw new PatchError(`${path}[${index}]`, "expected a primitive value in a merged list");
    return id;
  });
  const liveIds = current.map(identity);
  const live = new Set(liveIds);
  const kept = new Set(wantedIds);

  const additions: JsonValue[] = [];
  const added = new Set<string>();
  modified.forEach((item, index) => {
    const id = wantedIds[index] as string;
    if (live.has(id) || added.has(id)) return;
    added.add(id);
    additions.push(item);
  });
  const deletions: JsonValue[] = [];
  const deleted = new Set<string>();
  for (const item of original) {
    const id = identity(item);
    if (id === undefined || kept.has(id) || !live.has(id) || deleted.has(id)) continue;
    deleted.add(id);
    deletions.push(item);
  }

  if (additions.length > 0) put(patch, key, deepCopy(additions));
  if (deletions.length > 0) put(patch, directive.deleteFromPrimitiveList + key, deepCopy(deletions));
  if (additions.length > 0 || deletions.length > 0 || !sameRelativeOrder(wantedIds, liveIds)) {
    put(patch, directive.setElementOrder + key, deepCopy(modified));
  }
}

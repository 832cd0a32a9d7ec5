import { orderMergedList } from "./element-order.js";
import { deepCopy, isJsonObject, type JsonObject, type JsonValue, own, put } from "./json-value.js";
import { catchPatchError, PatchError, type PatchResult, patchFailed } from "./patch-error.js";
import { elementMeta, fieldMeta, type PatchMeta } from "./patch-meta.js";

/** The keys of a strategic merge patch that are instructions rather than fields. */
export const directive = {
  patch: "$patch",
  retainKeys: "$retainKeys",
  setElementOrder: "$setElementOrder/",
  deleteFromPrimitiveList: "$deleteFromPrimitiveList/",
} as const;

export function fieldPath(path: string, field: string): string {
  return path === "" ? field : `${path}.${field}`;
}

/** How an element of a merged list is told apart: its merge key's value, or itself for primitives. */
export function elementId(item: JsonValue, mergeKey: string | undefined): string | undefined {
  if (mergeKey === undefined)
    return isJsonObject(item) || Array.isArray(item) ? undefined : JSON.stringify(item);
  const value = isJsonObject(item) ? own(item, mergeKey) : undefined;
  return value === undefined ? undefined : JSON.stringify(value);
}

/**
 * Applies a strategic merge patch: maps merge recursively and `null` deletes a key, lists merge as
 * `meta` says (by merge key, as a set of primitives, or replaced whole), and the `$patch`,
 * `$retainKeys`, `$setElementOrder/` and `$deleteFromPrimitiveList/` directives are honoured.
 */
export function applyStrategicMergePatch(
  original: JsonValue | undefined,
  patch: unknown,
  meta: PatchMeta,
): PatchResult<JsonObject> {
  if (!isJsonObject(patch)) {
    return patchFailed(new PatchError("", "a strategic merge patch must be a JSON object"));
  }
  // Work on private copies: the functions below update them in place.
  const target = isJsonObject(original) ? deepCopy(original) : {};
  const body = deepCopy(patch);
  // `$patch: delete` at the root leaves an empty object, as in Kubernetes.
  return catchPatchError(() => mergeMap(target, body, meta, "") ?? {});
}

/** Returns the merged map, or undefined when the patch deletes it. */
function mergeMap(
  original: JsonObject | undefined,
  patch: JsonObject,
  meta: PatchMeta,
  path: string,
): JsonObject | undefined {
  const strategy = own(patch, directive.patch);
  if (strategy === "delete") return undefined;
  if (strategy === "replace") {
    const { [directive.patch]: _, ...replacement } = patch;
    return mergeMap(undefined, replacement, meta, path);
  }
  if (strategy !== undefined && strategy !== "merge") {
    throw new PatchError(fieldPath(path, directive.patch), `unknown directive ${JSON.stringify(strategy)}`);
  }

  const result = original ?? {};
  const retain = own(patch, directive.retainKeys);
  if (retain !== undefined) retainOnly(result, patch, retain, path);

  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith("$")) continue;
    if (key.startsWith(directive.deleteFromPrimitiveList)) {
      deleteFromPrimitiveList(result, key.slice(directive.deleteFromPrimitiveList.length), value, path);
    } else if (
      key !== directive.patch &&
      key !== directive.retainKeys &&
      !key.startsWith(directive.setElementOrder)
    ) {
      throw new PatchError(fieldPath(path, key), "unknown patch directive");
    }
  }

  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) continue;
    const here = fieldPath(path, key);
    const current = own(result, key);
    if (value === null) {
      delete result[key];
    } else if (isJsonObject(value)) {
      const merged = mergeMap(isJsonObject(current) ? current : undefined, value, fieldMeta(meta, key), here);
      if (merged === undefined) delete result[key];
      else put(result, key, merged);
    } else if (Array.isArray(value)) {
      const listMeta = effectiveListMeta(fieldMeta(meta, key), patch, key);
      const order = own(patch, directive.setElementOrder + key);
      put(result, key, mergeList(Array.isArray(current) ? current : [], value, listMeta, order, here));
    } else {
      put(result, key, value);
    }
  }

  // A `$setElementOrder` without a patch list only reorders what is there.
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(directive.setElementOrder)) continue;
    const field = key.slice(directive.setElementOrder.length);
    const current = own(result, field);
    if (Object.hasOwn(patch, field) || !Array.isArray(current)) continue;
    const listMeta = effectiveListMeta(fieldMeta(meta, field), patch, field);
    if (listMeta.merge) put(result, field, mergeList(current, [], listMeta, order, fieldPath(path, field)));
  }
  return result;
}

function retainOnly(result: JsonObject, patch: JsonObject, retain: JsonValue, path: string): void {
  const here = fieldPath(path, directive.retainKeys);
  if (!Array.isArray(retain) || !retain.every((key) => typeof key === "string")) {
    throw new PatchError(here, "must be a list of field names");
  }
  const kept = new Set<string>(retain as string[]);
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith("$") && value !== null && !kept.has(key)) {
      throw new PatchError(here, `the patch sets ${key} but does not list it`);
    }
  }
  for (const key of Object.keys(result)) {
    if (!kept.has(key)) delete result[key];
  }
}

function deleteFromPrimitiveList(result: JsonObject, field: string, values: JsonValue, path: string): void {
  const here = fieldPath(path, directive.deleteFromPrimitiveList + field);
  if (!Array.isArray(values) || values.some((value) => elementId(value, undefined) === undefined)) {
    throw new PatchError(here, "must be a list of primitive values");
  }
  const current = own(result, field);
  if (!Array.isArray(current)) return;
  const doomed = new Set(values.map((value) => elementId(value, undefined)));
  put(
    result,
    field,
    current.filter((item) => !doomed.has(elementId(item, undefined))),
  );
}

/**
 * A field our metadata calls atomic may still come with `$setElementOrder` or
 * `$deleteFromPrimitiveList` from a client that knows more of the schema (kubectl compiles in every
 * Kubernetes type). Such a directive shows how the client merges the list, so we follow it rather
 * than replace a list the client meant to merge.
 */
function effectiveListMeta(meta: PatchMeta, patch: JsonObject, field: string): PatchMeta {
  if (meta.merge) return meta;
  const order = own(patch, directive.setElementOrder + field);
  if (Array.isArray(order) && order.length > 0) {
    if (order.every((entry) => elementId(entry, undefined) !== undefined)) return { merge: true };
    const keys = new Set(order.map((entry) => (isJsonObject(entry) ? Object.keys(entry).join() : "")));
    const [mergeKey] = keys;
    if (keys.size === 1 && mergeKey !== undefined && mergeKey !== "" && !mergeKey.includes(",")) {
      return { merge: true, mergeKey };
    }
  }
  if (own(patch, directive.deleteFromPrimitiveList + field) !== undefined) return { merge: true };
  return meta;
}

function isDirectiveElement(item: JsonValue, value: string): boolean {
  return isJsonObject(item) && own(item, directive.patch) === value;
}

function mergeList(
  current: JsonValue[],
  patch: JsonValue[],
  meta: PatchMeta,
  order: JsonValue | undefined,
  path: string,
): JsonValue[] {
  if (!meta.merge) return patch;
  if (patch.some((item) => isDirectiveElement(item, "replace"))) {
    const replacement = patch.filter((item) => !isDirectiveElement(item, "replace"));
    return meta.mergeKey === undefined ? replacement : mergeKeyed([], replacement, meta, undefined, path);
  }
  return meta.mergeKey === undefined
    ? mergePrimitives(current, patch, order, path)
    : mergeKeyed(current, patch, meta, order, path);
}

function parseOrder(
  order: JsonValue | undefined,
  mergeKey: string | undefined,
  path: string,
): string[] | undefined {
  if (order === undefined) return undefined;
  const here = path.replace(/[^.]*$/, (field) => directive.setElementOrder + field);
  if (!Array.isArray(order)) throw new PatchError(here, "must be a list");
  return order.map((entry, index) => {
    const id = elementId(entry, mergeKey);
    if (id === undefined) {
      const expected = mergeKey === undefined ? "a primitive value" : `an object with ${mergeKey}`;
      throw new PatchError(`${here}[${index}]`, `expected ${expected}`);
    }
    return id;
  });
}

function checkOrderCovers(order: string[] | undefined, named: string[], path: string): void {
  if (order === undefined) return;
  const listed = new Set(order);
  const missing = named.find((id) => !listed.has(id));
  if (missing !== undefined) {
    throw new PatchError(path, `element ${missing} is in the patch but missing from $setElementOrder`);
  }
}

function mergePrimitives(
  current: JsonValue[],
  patch: JsonValue[],
  order: JsonValue | undefined,
  path: string,
): JsonValue[] {
  const ids = patch.map((item, index) => {
    const id = elementId(item, undefined);
    if (id === undefined)
      throw new PatchError(`${path}[${index}]`, "expected a primitive value in a merged list");
    return id;
  });
  const orderIds = parseOrder(order, undefined, path);
  checkOrderCovers(orderIds, ids, path);
  const present = new Set(current.map((item) => elementId(item, undefined)));
  const merged = [...current];
  patch.forEach((item, index) => {
    const id = ids[index];
    if (present.has(id)) return;
    present.add(id);
    merged.push(item);
  });
  const identity = (item: JsonValue) => elementId(item, undefined);
  return orderMergedList(merged, identity, orderIds ?? ids, current.map(identity));
}

function mergeKeyed(
  current: JsonValue[],
  patch: JsonValue[],
  meta: PatchMeta,
  order: JsonValue | undefined,
  path: string,
): JsonValue[] {
  const mergeKey = meta.mergeKey as string;
  const identity = (item: JsonValue) => elementId(item, mergeKey);
  const serverOrder = current.map(identity);
  let merged = [...current];
  const named: string[] = [];
  patch.forEach((item, index) => {
    const here = `${path}[${index}]`;
    const id = identity(item);
    if (!isJsonObject(item) || id === undefined) {
      throw new PatchError(here, `expected an object with the merge key ${mergeKey}`);
    }
    if (isDirectiveElement(item, "delete")) {
      merged = merged.filter((existing) => identity(existing) !== id);
      return;
    }
    const at = merged.findIndex((existing) => identity(existing) === id);
    const existing = at >= 0 ? merged[at] : undefined;
    const element =
      mergeMap(isJsonObject(existing) ? existing : undefined, item, elementMeta(meta), here) ?? {};
    if (at >= 0) merged[at] = element;
    else merged.push(element);
    named.push(id);
  });
  const orderIds = parseOrder(order, mergeKey, path);
  checkOrderCovers(orderIds, named, path);
  return orderMergedList(merged, identity, orderIds ?? named, serverOrder);
}

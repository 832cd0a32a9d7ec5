import {
  deepCopy,
  deepEqual,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  own,
  put,
} from "./json-value.js";

/** RFC 7386: objects merge key by key, `null` removes a key, anything else (lists too) replaces. */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return deepCopy(patch);
  const result: JsonObject = isJsonObject(target) ? deepCopy(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else put(result, key, applyMergePatch(own(result, key), value));
  }
  return result;
}

/**
 * The merge patch that turns `original` into `modified`. A `null` in `modified` cannot be told apart
 * from a deletion: RFC 7386 has no way to set a value to null.
 */
export function createMergePatch(original: JsonValue | undefined, modified: JsonValue): JsonValue {
  if (!isJsonObject(original) || !isJsonObject(modified)) return deepCopy(modified);
  const patch: JsonObject = {};
  for (const key of Object.keys(original)) {
    if (!Object.hasOwn(modified, key)) put(patch, key, null);
  }
  for (const [key, value] of Object.entries(modified)) {
    const before = own(original, key);
    if (before === undefined) {
      put(patch, key, deepCopy(value));
    } else if (isJsonObject(before) && isJsonObject(value)) {
      const nested = createMergePatch(before, value);
      if (isJsonObject(nested) && Object.keys(nested).length > 0) put(patch, key, nested);
    } else if (!deepEqual(before, value)) {
      put(patch, key, deepCopy(value));
    }
  }
  return patch;
}

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An own property only: never something inherited such as `__proto__` or `constructor`. */
export function own(source: JsonObject | undefined, key: string): JsonValue | undefined {
  return source !== undefined && Object.hasOwn(source, key) ? source[key] : undefined;
}

/**
 * Sets an own, enumerable property. Plain assignment would treat a "__proto__" key coming from
 * JSON.parse as the prototype setter instead of a field.
 */
export function put(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export { deepCopy } from "../deep-copy.js";
export { deepEqual } from "../deep-equal.js";

/**
 * A copy of a JSON value with every object's keys in sorted order: how Go marshals maps, so
 * mkctl's YAML, JSON and last-applied annotations come out as kubectl's do.
 */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out as T;
  }
  return value;
}

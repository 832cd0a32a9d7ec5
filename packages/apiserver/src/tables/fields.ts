import type { ApiObject } from "../watch/watch-event.js";

/**
 * Typed reads of stored objects. Printers see objects as the store holds them (already defaulted
 * and validated), but a table must never throw on a field that is missing or oddly typed, so
 * every read falls back the way Go's zero values do.
 */
export type Json = Record<string, unknown>;

export function obj(value: unknown): Json {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}

export function arr(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(obj) : [];
}

export function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

export function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(value))) if (typeof v === "string") out[k] = v;
  return out;
}

export function nameOf(o: ApiObject): string {
  return str(o.metadata?.name);
}

export function creationOf(o: ApiObject): string | undefined {
  return str(o.metadata?.creationTimestamp) || undefined;
}

export function isDeleting(o: ApiObject): boolean {
  return str(o.metadata?.deletionTimestamp) !== "";
}

export function specOf(o: ApiObject): Json {
  return obj(o.spec);
}

export function statusOf(o: ApiObject): Json {
  return obj(o.status);
}

import { randomBytes, randomUUID } from "node:crypto";
import type { ApiObject } from "../watch/watch-event.js";

// The alphabet of apimachinery's rand.String: no vowels (no words), no 0/1/3 (no look-alikes).
const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** `generateName: web-` becomes `web-x7k2p`, as the apiserver's names.SimpleNameGenerator does. */
export function generateName(prefix: string): string {
  const maxPrefix = 63 - 5;
  const bytes = randomBytes(5);
  let suffix = "";
  for (const b of bytes) suffix += ALPHANUMS[b % ALPHANUMS.length];
  return prefix.slice(0, maxPrefix) + suffix;
}

export function newUid(): string {
  return randomUUID();
}

/** The parts of an object that are not metadata or status: what `generation` counts changes of. */
export function specOf(obj: ApiObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

export function metadataOf(obj: ApiObject): NonNullable<ApiObject["metadata"]> {
  if (!obj.metadata || typeof obj.metadata !== "object") obj.metadata = {};
  return obj.metadata;
}

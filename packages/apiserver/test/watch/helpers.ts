import type { StoredValue } from "../../src/storage/store.js";
import type { ApiObject, EventSource, WatchEvent } from "../../src/watch/watch-event.js";

export const PREFIX = "/registry/pods/";

export function decorate(value: StoredValue, revision: number): ApiObject {
  const object = value as ApiObject;
  return { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } };
}

export function pod(name: string, labels: Record<string, string> = {}, extra: StoredValue = {}): StoredValue {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", labels }, ...extra };
}

export function key(name: string): string {
  return `${PREFIX}default/${name}`;
}

/** Reads exactly `count` events (or fewer if the source ends). */
export async function take(source: EventSource, count: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const events = source[Symbol.asyncIterator]();
  while (out.length < count) {
    const next = await events.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

/** Reads until the source ends or throws; returns what came and the error, if any. */
export async function drain(
  source: EventSource,
  limit = 10_000,
): Promise<{ events: WatchEvent[]; error?: unknown }> {
  const events: WatchEvent[] = [];
  try {
    for await (const event of source) {
      events.push(event);
      if (events.length >= limit) break;
    }
  } catch (error) {
    return { events, error };
  }
  return { events };
}

export function summary(events: WatchEvent[]): string[] {
  return events.map(
    (e) => `${e.type} ${e.object.metadata?.name ?? ""}@${e.object.metadata?.resourceVersion}`,
  );
}

export function rv(event: WatchEvent | undefined): number {
  return Number(event?.object.metadata?.resourceVersion);
}

/** Lets pending promise callbacks and one timer turn run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

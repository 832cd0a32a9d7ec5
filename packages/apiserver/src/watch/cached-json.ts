import type { ApiObject, WatchEvent } from "./watch-event.js";

/** Where an object keeps its JSON; a symbol, so no JSON or copy sees it. */
const ENCODED = Symbol("json");

interface Memo {
  [ENCODED]?: string;
}

/**
 * An object's JSON, computed once per object. The objects the apiserver hands out are shared and
 * never changed (../registry/versioned.ts), so a LIST of 10,000 pods serializes only the pods that
 * changed since the last one, an event watched by a hundred clients is serialized once, not a
 * hundred times, and the answer to the create or update that wrote an object shares its JSON with
 * the watches. Kubernetes' watch cache does the same for watch events with its cachingObject.
 * The price is memory: an object that was read, written, listed or watched keeps its JSON while it
 * is current.
 */
export function jsonOf(object: ApiObject): string {
  const memo = object as Memo;
  let text = memo[ENCODED];
  if (text === undefined) {
    text = JSON.stringify(object);
    // Not enumerable: a copy made with `{ ...object }` must not inherit a JSON it outgrows.
    Object.defineProperty(memo, ENCODED, { value: text });
  }
  return text;
}

const COMMA = Buffer.from(",");
const LIST_END = Buffer.from("]}");

/**
 * A list object whose `items` are API objects, as JSON bytes built from each item's cached JSON.
 * Encoded item by item: joining ten thousand strings into one and encoding that costs V8 many
 * times more than encoding each and copying the bytes once.
 */
export function listJson(list: ApiObject & { items: ApiObject[] }): Buffer {
  const { items, ...head } = list;
  const start = JSON.stringify(head);
  // `start` ends with the head's closing brace; the items go in before it.
  const parts: Buffer[] = [Buffer.from(`${start.slice(0, -1)}${start.length > 2 ? "," : ""}"items":[`)];
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(COMMA);
    parts.push(Buffer.from(jsonOf(items[i]!)));
  }
  parts.push(LIST_END);
  return Buffer.concat(parts);
}

/** One watch event, `{"type":...,"object":...}`, with the object's cached JSON. */
export function watchEventJson(event: WatchEvent): string {
  return `{"type":${JSON.stringify(event.type)},"object":${jsonOf(event.object)}}`;
}

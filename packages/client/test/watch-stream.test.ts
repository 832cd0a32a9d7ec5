import { isGone, type KindInfo, kindForApiVersion, StatusError } from "@minik8s/api";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../src/kube-object.js";
import { Client } from "../src/rest-client.js";
import { LineDecoder, WatchStream, type WatchStreamEvent } from "../src/watch-stream.js";
import { type FakeApiServer, startFakeApiServer } from "./fake-apiserver.js";
import { until } from "./until.js";

const CONFIGMAPS = kindForApiVersion("v1", "ConfigMap") as KindInfo;

async function* chunks(parts: (string | Uint8Array)[]) {
  for (const p of parts) yield p;
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

/** Cuts `bytes` at the given offsets. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    out.push(bytes.slice(start, p));
    start = p;
  }
  out.push(bytes.slice(start));
  return out;
}

describe("LineDecoder", () => {
  it("keeps a partial line and a split multi-byte character for the next chunk", () => {
    const d = new LineDecoder();
    const bytes = new TextEncoder().encode("héllo\nwör");
    expect(d.push(bytes.slice(0, 2))).toEqual([]); // "h" and half of "é"
    expect(d.push(bytes.slice(2))).toEqual(["héllo"]);
    expect(d.push("ld\n")).toEqual(["wörld"]);
    expect(d.end()).toEqual([]);
  });
});

describe("WatchStream", () => {
  it("parses events whatever the chunk boundaries are", async () => {
    const event = fc.record({
      type: fc.constantFrom("ADDED" as const, "MODIFIED" as const, "DELETED" as const),
      object: fc.record({
        metadata: fc.record({
          name: fc.string({ unit: "grapheme", minLength: 1 }),
          resourceVersion: fc.nat().map(String),
        }),
      }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (events, offsets) => {
          const text = events.map((e) => `${JSON.stringify(e)}\n`).join("");
          const stream = new WatchStream(chunks(cut(new TextEncoder().encode(text), offsets)));
          expect(await collect(stream)).toEqual(events);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("accepts a last event without a trailing newline and skips blank lines", async () => {
    const a = { type: "ADDED", object: { metadata: { name: "a" } } };
    const b = { type: "BOOKMARK", object: { metadata: { resourceVersion: "9" } } };
    const stream = new WatchStream(chunks([`\n${JSON.stringify(a)}\n\n`, JSON.stringify(b)]));
    expect(await collect(stream)).toEqual([a, b]);
  });

  it("throws an ERROR event's Status as a StatusError; 410 is Gone", async () => {
    const gone = {
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      reason: "Expired",
      code: 410,
      message: "too old",
    };
    const first = { type: "ADDED", object: { metadata: { name: "a" } } };
    const stream = new WatchStream(
      chunks([`${JSON.stringify(first)}\n${JSON.stringify({ type: "ERROR", object: gone })}\n`]),
    );
    const seen: WatchStreamEvent<unknown>[] = [];
    const err = await (async () => {
      for await (const e of stream) seen.push(e);
    })().catch((e) => e);
    expect(seen).toEqual([first]);
    expect(err).toBeInstanceOf(StatusError);
    expect(isGone(err)).toBe(true);
    expect(err.message).toBe("too old");
  });

  it("reports a malformed line with its text", async () => {
    const stream = new WatchStream(chunks(["{not json\n"]));
    await expect(collect(stream)).rejects.toThrow(/malformed watch event \(not JSON\): \{not json/);
  });

  it("ends quietly when closed while waiting, and aborts the source", async () => {
    let aborted = false;
    let release: () => void = () => {};
    async function* hanging() {
      yield `${JSON.stringify({ type: "ADDED", object: { metadata: { name: "a" } } })}\n`;
      await new Promise<void>((r) => {
        release = r;
      });
      throw new Error("aborted by the test");
    }
    const stream = new WatchStream(hanging(), () => {
      aborted = true;
      release();
    });
    const seen: unknown[] = [];
    const done = (async () => {
      for await (const e of stream) seen.push(e);
    })();
    await until("first event", () => seen.length === 1);
    stream.close();
    await done;
    expect(aborted).toBe(true);
  });
});

describe("Client.watch over HTTP", () => {
  let server: FakeApiServer;
  let client: Client;
  beforeAll(async () => {
    server = await startFakeApiServer();
    client = new Client({ server: server.url });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  it("streams events from a resourceVersion with bookmarks asked for, and closes", async () => {
    const list = await client.list(CONFIGMAPS, { namespace: "default" });
    const stream = await client.watch<KubeObject>(CONFIGMAPS, {
      namespace: "default",
      resourceVersion: list.metadata.resourceVersion,
    });
    expect(server.requests.at(-1)?.url).toBe(
      `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}&allowWatchBookmarks=true`,
    );
    const seen: WatchStreamEvent<KubeObject>[] = [];
    const done = (async () => {
      for await (const e of stream) seen.push(e);
    })();
    await client.create({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "one", namespace: "default" },
    });
    await client.delete(CONFIGMAPS, "default", "one");
    await until("two events", () => seen.length === 2);
    server.bookmark();
    await until("bookmark", () => seen.length === 3);
    stream.close();
    await done;
    expect(seen.map((e) => e.type)).toEqual(["ADDED", "DELETED", "BOOKMARK"]);
    expect(seen[0]?.object.metadata?.name).toBe("one");
  });

  it("throws Gone when the server refuses the resourceVersion with HTTP 410", async () => {
    server.expireWatches();
    const err = await client.watch(CONFIGMAPS, { resourceVersion: "1" }).catch((e) => e);
    expect(isGone(err)).toBe(true);
  });
});

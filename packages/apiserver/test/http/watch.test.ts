import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  configMap,
  expectStatus,
  MERGE,
  summarize,
  TABLE_ACCEPT,
  TestServer,
  type WatchEventJson,
  type WatchReader,
} from "./helpers.js";

/** `?watch=true` through HTTP and WebSocket, as kubectl, client-node and the controllers use it. */
let api: TestServer;
const open: WatchReader[] = [];

beforeAll(async () => {
  api = await TestServer.start();
});

afterEach(() => {
  for (const watch of open.splice(0)) watch.close();
});

afterAll(async () => {
  await api?.close();
});

const CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

async function watch(query: string, accept?: string): Promise<WatchReader> {
  const reader = await api.watch(`${CONFIGMAPS}?watch=true&${query}`, accept);
  open.push(reader);
  return reader;
}

async function listRv(query = ""): Promise<string> {
  return (await api.get(`${CONFIGMAPS}?${query}`)).body.metadata.resourceVersion;
}

const rvOf = (e: WatchEventJson) => Number(e.object.metadata.resourceVersion);

describe("watch over chunked HTTP", () => {
  it("sends status and headers before any event, then events as newline-delimited JSON", async () => {
    const reader = await watch(`resourceVersion=${await listRv()}&labelSelector=case%3Dheaders`);
    expect(reader.status).toBe(200);
    expect(reader.headers.get("content-type")).toMatch(/^application\/json/);
    expect(reader.pending).toBe(0);

    const created = await api.create(CONFIGMAPS, configMap("w-headers", {}, { case: "headers" }));
    const [event] = await reader.take(1);
    expect(event?.type).toBe("ADDED");
    expect(event?.object).toMatchObject({
      kind: "ConfigMap",
      apiVersion: "v1",
      metadata: { name: "w-headers", resourceVersion: created.metadata.resourceVersion },
    });
  });

  it("without a resourceVersion, starts with the current state as ADDED events", async () => {
    await api.create(CONFIGMAPS, configMap("w-state-1", {}, { case: "state" }));
    await api.create(CONFIGMAPS, configMap("w-state-2", {}, { case: "state" }));
    const reader = await watch("labelSelector=case%3Dstate");
    expect(summarize(await reader.take(2))).toEqual(["ADDED w-state-1", "ADDED w-state-2"]);
    await api.patch(`${CONFIGMAPS}/w-state-1`, MERGE, { data: { x: "1" } });
    expect(summarize(await reader.take(1))).toEqual(["MODIFIED w-state-1"]);
  });

  it("from a resourceVersion: the history after it, then live events, no gap and no duplicate", async () => {
    const sel = "labelSelector=case%3Dresume";
    const a = await api.create(CONFIGMAPS, configMap("w-res-a", {}, { case: "resume" }));
    const from = a.metadata.resourceVersion;
    const b = await api.create(CONFIGMAPS, configMap("w-res-b", {}, { case: "resume" }));
    const modified = (await api.patch(`${CONFIGMAPS}/w-res-a`, MERGE, { data: { v: "2" } })).body;
    const deleted = (await api.delete(`${CONFIGMAPS}/w-res-b`)).body;

    const reader = await watch(`${sel}&resourceVersion=${from}`);
    const history = await reader.take(3);
    expect(summarize(history)).toEqual(["ADDED w-res-b", "MODIFIED w-res-a", "DELETED w-res-b"]);
    expect(history.map(rvOf)).toEqual([
      Number(b.metadata.resourceVersion),
      Number(modified.metadata.resourceVersion),
      rvOf(history[2]!),
    ]);
    expect(rvOf(history[2]!)).toBeGreaterThan(Number(modified.metadata.resourceVersion));
    expect(deleted.metadata.name).toBe("w-res-b");

    const live = await api.create(CONFIGMAPS, configMap("w-res-c", {}, { case: "resume" }));
    const [next] = await reader.take(1);
    expect(summarize([next!])).toEqual(["ADDED w-res-c"]);
    expect(next!.object.metadata.resourceVersion).toBe(live.metadata.resourceVersion);
    expect(reader.pending).toBe(0);
  });

  it("delivers every write exactly once, in order, while writes race the watch's start", async () => {
    const from = await listRv();
    const writes = Array.from({ length: 20 }, (_, i) =>
      api.create(CONFIGMAPS, configMap(`w-race-${i}`, {}, { case: "race" })),
    );
    const reader = await watch(`labelSelector=case%3Drace&resourceVersion=${from}`);
    const created = await Promise.all(writes);
    const events = await reader.take(20);
    const rvs = events.map(rvOf);
    expect(rvs).toEqual([...rvs].sort((x, y) => x - y));
    expect(new Set(rvs).size).toBe(20);
    expect(new Set(events.map((e) => e.object.metadata.name))).toEqual(
      new Set(created.map((c) => c.metadata.name)),
    );
  });

  it("filters by label selector: leaving the selection is DELETED, entering it ADDED", async () => {
    const reader = await watch(`labelSelector=tier%3Dfront&resourceVersion=${await listRv()}`);
    await api.create(CONFIGMAPS, configMap("w-sel-in", {}, { tier: "front" }));
    await api.create(CONFIGMAPS, configMap("w-sel-out", {}, { tier: "back" }));
    await api.patch(`${CONFIGMAPS}/w-sel-in`, MERGE, { metadata: { labels: { tier: "back" } } });
    await api.patch(`${CONFIGMAPS}/w-sel-out`, MERGE, { metadata: { labels: { tier: "front" } } });
    const events = await reader.take(3);
    expect(summarize(events)).toEqual(["ADDED w-sel-in", "DELETED w-sel-in", "ADDED w-sel-out"]);
    expect(events[2]!.object.metadata.labels).toEqual({ tier: "front" });
  });

  it("filters by field selector, as kubectl waits for one object's deletion", async () => {
    await api.create(CONFIGMAPS, configMap("w-field"));
    const reader = await watch(`fieldSelector=metadata.name%3Dw-field&resourceVersion=${await listRv()}`);
    await api.create(CONFIGMAPS, configMap("w-field-other"));
    await api.delete(`${CONFIGMAPS}/w-field`);
    expect(summarize(await reader.take(1))).toEqual(["DELETED w-field"]);
  });

  it("ends the stream cleanly after timeoutSeconds", async () => {
    const reader = await watch(
      `timeoutSeconds=1&resourceVersion=${await listRv()}&labelSelector=case%3Dnone`,
    );
    expect(await reader.rest()).toEqual([]);
    expect(reader.isEnded).toBe(true);
  });

  it("sends a BOOKMARK at the current resourceVersion when bookmarks are allowed", async () => {
    const reader = await watch(
      `allowWatchBookmarks=true&timeoutSeconds=1&labelSelector=case%3Dbookmark&resourceVersion=${await listRv()}`,
    );
    const made = await api.create(CONFIGMAPS, configMap("w-bookmark-other"));
    const events = await reader.rest();
    const bookmark = events.find((e) => e.type === "BOOKMARK");
    expect(bookmark?.object).toMatchObject({ kind: "ConfigMap", apiVersion: "v1" });
    expect(rvOf(bookmark!)).toBeGreaterThanOrEqual(Number(made.metadata.resourceVersion));
    expect(events.filter((e) => e.type !== "BOOKMARK")).toEqual([]);
  });

  it("with sendInitialEvents, ends the initial state with an annotated BOOKMARK", async () => {
    await api.create(CONFIGMAPS, configMap("w-initial", {}, { case: "initial" }));
    const reader = await watch(
      "sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&labelSelector=case%3Dinitial",
    );
    const [added, end] = await reader.take(2);
    expect(summarize([added!])).toEqual(["ADDED w-initial"]);
    expect(end?.type).toBe("BOOKMARK");
    expect(end?.object.metadata.annotations).toEqual({ "k8s.io/initial-events-end": "true" });
  });

  it("sends one-row Tables when the client asks for Tables", async () => {
    const reader = await watch(`labelSelector=case%3Dtable&resourceVersion=${await listRv()}`, TABLE_ACCEPT);
    await api.create(CONFIGMAPS, configMap("w-table", { a: "1" }, { case: "table" }));
    const [event] = await reader.take(1);
    expect(event?.type).toBe("ADDED");
    expect(event?.object.kind).toBe("Table");
    expect(event?.object.rows).toHaveLength(1);
    expect(event?.object.rows[0].cells[0]).toBe("w-table");
  });

  it("refuses a malformed resourceVersion or selector with a 400 Status", async () => {
    expectStatus(await api.get(`${CONFIGMAPS}?watch=true&resourceVersion=abc`), 400, "BadRequest");
    expectStatus(await api.get(`${CONFIGMAPS}?watch=true&fieldSelector=data.a%3Db`), 400, "BadRequest");
  });
});

describe("watch over WebSocket", () => {
  function connect(path: string, protocols?: string[]) {
    const ws = new WebSocket(`${api.url.replace(/^http/, "ws")}${path}`, protocols);
    const messages: { data: string; binary: boolean }[] = [];
    let wake: (() => void) | undefined;
    ws.on("message", (data, binary) => {
      messages.push({ data: data.toString(), binary });
      wake?.();
    });
    const opened = new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const nextMessage = async () => {
      const deadline = Date.now() + 10_000;
      while (messages.length === 0) {
        if (Date.now() > deadline) throw new Error("no WebSocket message");
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 200);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return messages.shift()!;
    };
    return { ws, opened, nextMessage };
  }

  it("sends each event as one JSON text frame", async () => {
    const rv = await listRv();
    const client = connect(`${CONFIGMAPS}?watch=true&resourceVersion=${rv}&labelSelector=case%3Dws`);
    try {
      await client.opened;
      await api.create(CONFIGMAPS, configMap("w-ws", {}, { case: "ws" }));
      await api.delete(`${CONFIGMAPS}/w-ws`);
      const first = await client.nextMessage();
      const second = await client.nextMessage();
      expect(first.binary).toBe(false);
      expect(summarize([JSON.parse(first.data), JSON.parse(second.data)])).toEqual([
        "ADDED w-ws",
        "DELETED w-ws",
      ]);
    } finally {
      client.ws.terminate();
    }
  });

  it("base64-encodes frames under the base64.binary.k8s.io subprotocol", async () => {
    const rv = await listRv();
    const client = connect(`${CONFIGMAPS}?watch=true&resourceVersion=${rv}&labelSelector=case%3Dws64`, [
      "base64.binary.k8s.io",
    ]);
    try {
      await client.opened;
      expect(client.ws.protocol).toBe("base64.binary.k8s.io");
      await api.create(CONFIGMAPS, configMap("w-ws64", {}, { case: "ws64" }));
      const message = await client.nextMessage();
      expect(message.binary).toBe(false);
      const event = JSON.parse(Buffer.from(message.data, "base64").toString("utf8"));
      expect(summarize([event])).toEqual(["ADDED w-ws64"]);
    } finally {
      client.ws.terminate();
    }
  });
});

describe("watch across compaction and restarts", () => {
  it("resumes after an apiserver restart from the last resourceVersion it saw", async () => {
    const sel = "labelSelector=case%3Drestart";
    const reader = await watch(`${sel}&resourceVersion=${await listRv()}`);
    await api.create(CONFIGMAPS, configMap("w-rs-1", {}, { case: "restart" }));
    const [seen] = await reader.take(1);
    const last = seen!.object.metadata.resourceVersion;

    // The client loses its connection, changes happen that it does not see, and the apiserver
    // goes away and comes back.
    reader.close();
    await api.create(CONFIGMAPS, configMap("w-rs-2", {}, { case: "restart" }));
    await api.patch(`${CONFIGMAPS}/w-rs-1`, MERGE, { data: { v: "2" } });
    await api.restart();

    const resumed = await watch(`${sel}&resourceVersion=${last}`);
    const missed = await resumed.take(2);
    expect(summarize(missed)).toEqual(["ADDED w-rs-2", "MODIFIED w-rs-1"]);
    await api.delete(`${CONFIGMAPS}/w-rs-2`);
    expect(summarize(await resumed.take(1))).toEqual(["DELETED w-rs-2"]);
  });

  it("answers a resourceVersion older than the compacted history with an ERROR event carrying 410", async () => {
    const old = (await api.create(CONFIGMAPS, configMap("w-old", {}, { case: "compact" }))).metadata
      .resourceVersion;
    await api.patch(`${CONFIGMAPS}/w-old`, MERGE, { data: { v: "2" } });
    await api.patch(`${CONFIGMAPS}/w-old`, MERGE, { data: { v: "3" } });
    await api.server.store.compact(await api.server.store.currentRevision());
    // A fresh apiserver can only replay what the store still holds.
    await api.restart();

    const reader = await watch(`labelSelector=case%3Dcompact&resourceVersion=${old}`);
    expect(reader.status).toBe(200);
    const events = await reader.rest();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "ERROR",
      object: { kind: "Status", status: "Failure", code: 410, reason: "Expired" },
    });
    expect(events[0]!.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);

    // A relist gives a resourceVersion the client can watch from.
    const fresh = await listRv("labelSelector=case%3Dcompact");
    const again = await watch(`labelSelector=case%3Dcompact&resourceVersion=${fresh}`);
    await api.patch(`${CONFIGMAPS}/w-old`, MERGE, { data: { v: "4" } });
    expect(summarize(await again.take(1))).toEqual(["MODIFIED w-old"]);
  });
});

import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  attachWebSockets,
  streamWatchOverWebSocket,
  type WebSocketHandler,
} from "../../src/http/websocket.js";
import { WatchCache } from "../../src/watch/watch-cache.js";
import type { EventSource } from "../../src/watch/watch-event.js";
import { decorate, key, PREFIX, pod } from "./helpers.js";
import { MemoryStore } from "./memory-store.js";
import { added, PushSource } from "./push-source.js";

const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A server that streams `sourceFor()` over WebSocket at /watch and refuses other paths. */
async function serve(sourceFor: () => EventSource): Promise<string> {
  const app: FastifyInstance = Fastify();
  cleanup.push(() => app.close());
  const watchHandler: WebSocketHandler = (ws) => streamWatchOverWebSocket(ws, sourceFor());
  watchHandler.protocols = ["base64.binary.k8s.io"];
  const detach = attachWebSockets(app, async (req) =>
    req.url?.startsWith("/watch") ? watchHandler : undefined,
  );
  cleanup.push(detach);
  await app.listen({ host: "127.0.0.1", port: 0 });
  return `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

function connect(url: string, protocols?: string[]) {
  const ws = new WebSocket(url, protocols);
  cleanup.push(() => ws.terminate());
  const messages: string[] = [];
  let waiting: (() => void) | undefined;
  let closed = false;
  ws.on("message", (data, isBinary) => {
    expect(isBinary).toBe(false);
    messages.push(data.toString());
    waiting?.();
  });
  ws.on("close", () => {
    closed = true;
    waiting?.();
  });
  ws.on("error", () => {});
  return {
    ws,
    opened: new Promise<void>((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    }),
    async next(): Promise<string | undefined> {
      while (messages.length === 0 && !closed) await new Promise<void>((r) => (waiting = r));
      return messages.shift();
    },
  };
}

describe("WebSocket watch", () => {
  it("streams a cache watch as one text message per event", async () => {
    const store = new MemoryStore();
    store.createNow(key("a"), pod("a"));
    const cache = new WatchCache({ store, prefix: PREFIX, decorate });
    await cache.start();
    cleanup.push(() => cache.stop());
    const base = await serve(() => cache.watch({}));
    const client = connect(`${base}/watch`);
    await client.opened;
    expect(client.ws.protocol).toBe("");
    expect(JSON.parse((await client.next())!)).toMatchObject({
      type: "ADDED",
      object: { metadata: { name: "a" } },
    });
    store.createNow(key("b"), pod("b"));
    expect(JSON.parse((await client.next())!)).toMatchObject({
      type: "ADDED",
      object: { metadata: { name: "b", resourceVersion: "2" } },
    });
    expect(cache.watcherCount).toBe(1);
    client.ws.close();
    for (let i = 0; i < 100 && cache.watcherCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(cache.watcherCount).toBe(0);
  });

  it("base64-encodes events under base64.binary.k8s.io and closes when the source ends", async () => {
    const source = new PushSource();
    const base = await serve(() => source);
    const client = connect(`${base}/watch`, ["base64.binary.k8s.io"]);
    await client.opened;
    expect(client.ws.protocol).toBe("base64.binary.k8s.io");
    source.push(added("a", "1"));
    const frame = (await client.next())!;
    expect(JSON.parse(Buffer.from(frame, "base64").toString())).toEqual(added("a", "1"));
    source.end();
    expect(await client.next()).toBeUndefined();
  });

  it("closes the source when the client closes", async () => {
    const source = new PushSource();
    const base = await serve(() => source);
    const client = connect(`${base}/watch`);
    await client.opened;
    client.ws.close();
    await source.closed;
  });

  it("refuses unknown paths with 404 and unsupported subprotocols with 400", async () => {
    const base = await serve(() => new PushSource());
    await expect(connect(`${base}/nothing`).opened).rejects.toThrow("HTTP 404");
    await expect(connect(`${base}/watch`, ["v5.channel.k8s.io"]).opened).rejects.toThrow("HTTP 400");
  });
});

import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { errors } from "@minik8s/api";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { streamWatch } from "../../src/http/watch-stream.js";
import type { WatchStreamOptions } from "../../src/watch/watch-pump.js";
import { added, PushSource } from "./push-source.js";

let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A server whose one route streams `source`; returns its base URL. */
async function serve(source: PushSource, opts: WatchStreamOptions = {}): Promise<string> {
  app = Fastify();
  app.get("/watch", async (request, reply) => {
    streamWatch(request, reply, source, opts);
    return reply;
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

function get(url: string): Promise<{ res: IncomingMessage; req: http.ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => resolve({ res, req }));
    req.on("error", reject);
  });
}

/** Reads NDJSON lines from a response as they come. */
function lines(res: IncomingMessage) {
  let buffer = "";
  const ready: unknown[] = [];
  let waiting: (() => void) | undefined;
  let ended = false;
  res.setEncoding("utf8");
  res.on("data", (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      ready.push(JSON.parse(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
    }
    waiting?.();
  });
  res.on("end", () => {
    ended = true;
    waiting?.();
  });
  return {
    /** The next line, or undefined at the end of the response. */
    async next(): Promise<unknown> {
      while (ready.length === 0 && !ended) await new Promise<void>((r) => (waiting = r));
      return ready.shift();
    },
    get ended() {
      return ended;
    },
    rest: () => buffer,
  };
}

describe("streamWatch", () => {
  it("sends the headers before any event, then one JSON event per line", async () => {
    const source = new PushSource();
    const base = await serve(source);
    const { res, req } = await get(`${base}/watch`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    const reader = lines(res);
    source.push(added("a", "1"));
    source.push(added("b", "2"));
    expect(await reader.next()).toEqual(added("a", "1"));
    expect(await reader.next()).toEqual(added("b", "2"));
    source.end();
    expect(await reader.next()).toBeUndefined();
    expect(reader.rest()).toBe("");
    req.destroy();
  });

  it("ends the response cleanly after timeoutSeconds", async () => {
    const source = new PushSource();
    const base = await serve(source, { timeoutSeconds: 1 });
    const { res } = await get(`${base}/watch`);
    const reader = lines(res);
    source.push(added("a", "1"));
    expect(await reader.next()).toEqual(added("a", "1"));
    expect(await reader.next()).toBeUndefined();
    expect(reader.ended).toBe(true);
    await source.closed;
  });

  it("writes a failure of the source as an ERROR event with its Status, then ends", async () => {
    const source = new PushSource();
    const base = await serve(source);
    const { res } = await get(`${base}/watch`);
    const reader = lines(res);
    source.push(added("a", "1"));
    source.fail(errors.gone("too old resource version: 1 (5)"));
    expect(await reader.next()).toEqual(added("a", "1"));
    expect(await reader.next()).toEqual({
      type: "ERROR",
      object: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "too old resource version: 1 (5)",
        reason: "Expired",
        code: 410,
      },
    });
    expect(await reader.next()).toBeUndefined();
  });

  it("closes the source when the client goes away", async () => {
    const source = new PushSource();
    const base = await serve(source);
    const { req } = await get(`${base}/watch`);
    req.destroy();
    await source.closed;
  });

  it("sends bookmarks at the source's position and transforms events", async () => {
    const source = new PushSource();
    const base = await serve(source, {
      bookmarks: { kind: "Pod", apiVersion: "v1", intervalMs: 10 },
      transform: (event) => ({ ...event, seen: true }),
    });
    const { res, req } = await get(`${base}/watch`);
    const reader = lines(res);
    source.push(added("a", "7"));
    expect(await reader.next()).toEqual({ ...added("a", "7"), seen: true });
    // No bookmark while the source cannot say where it stands.
    source.at = 7;
    expect(await reader.next()).toEqual({
      type: "BOOKMARK",
      object: { kind: "Pod", apiVersion: "v1", metadata: { resourceVersion: "7" } },
      seen: true,
    });
    req.destroy();
    await source.closed;
  });
});

import type { ServerResponse } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { EventSource } from "../watch/watch-event.js";
import { WatchPump, type WatchStreamOptions } from "../watch/watch-pump.js";

export type { BookmarkOptions, WatchStreamOptions } from "../watch/watch-pump.js";

/**
 * Answers a `?watch=true` request: status 200 and the headers at once (clients wait for them before
 * they read anything), then one JSON event per line over chunked transfer, until the source ends,
 * `timeoutSeconds` passes or the client goes. The reply is hijacked: the route handler must not
 * send anything else (an async handler returns `reply`).
 */
export function streamWatch(
  request: FastifyRequest,
  reply: FastifyReply,
  source: EventSource,
  opts: WatchStreamOptions = {},
): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "Content-Type": "application/json",
    "Cache-Control": "no-cache, private",
  });
  res.flushHeaders();
  request.raw.socket?.setNoDelay(true);

  const pump = new WatchPump(source, { send: (json) => writeLine(res, json) }, opts);
  const onClose = () => pump.stop();
  res.once("close", onClose);
  opts.log?.debug({ url: request.url }, "watch stream opened");
  void pump.run().finally(() => {
    res.off("close", onClose);
    if (!res.destroyed && !res.writableEnded) res.end();
    opts.log?.debug({ url: request.url }, "watch stream ended");
  });
}

/** Writes one line; resolves once the socket takes more when its buffer is full. */
function writeLine(res: ServerResponse, json: string): Promise<void> | undefined {
  if (res.destroyed || res.writableEnded) return undefined;
  if (res.write(`${json}\n`)) return undefined;
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}

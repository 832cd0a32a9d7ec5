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

  const lines = new LineWriter(res);
  const pump = new WatchPump(source, { send: (json) => lines.write(json) }, opts);
  const onClose = () => pump.stop();
  res.once("close", onClose);
  opts.log?.debug({ url: request.url }, "watch stream opened");
  void pump.run().finally(() => {
    res.off("close", onClose);
    lines.flush();
    if (!res.destroyed && !res.writableEnded) res.end();
    opts.log?.debug({ url: request.url }, "watch stream ended");
  });
}

/**
 * The lines of a watch response. The events of one turn of the event loop leave together, in one
 * write: Kubernetes' watch handler likewise flushes only when no further event is waiting, so a
 * burst of events costs a few system calls, not one per event. When the socket is full, `write`
 * hands back a promise that resolves once it drains, and the pump waits for it.
 */
class LineWriter {
  private lines: string[] = [];
  private scheduled = false;
  private draining: Promise<void> | undefined;

  constructor(private readonly res: ServerResponse) {}

  write(json: string): Promise<void> | undefined {
    if (this.res.destroyed || this.res.writableEnded) return undefined;
    this.lines.push(json);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return this.draining;
  }

  /** Sends what is waiting now (also before the response ends). */
  flush(): void {
    this.scheduled = false;
    const res = this.res;
    if (this.lines.length === 0 || res.destroyed || res.writableEnded) return;
    const text = `${this.lines.join("\n")}\n`;
    this.lines = [];
    if (res.write(text) || this.draining) return;
    this.draining = new Promise<void>((resolve) => {
      const done = () => {
        res.off("drain", done);
        res.off("close", done);
        this.draining = undefined;
        resolve();
      };
      res.once("drain", done);
      res.once("close", done);
    });
  }
}

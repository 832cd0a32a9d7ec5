import http, { type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { StatusError } from "@minik8s/api";
import type { FastifyInstance } from "fastify";
import { type WebSocket, WebSocketServer } from "ws";
import type { Logger } from "../watch/logger.js";
import type { EventSource } from "../watch/watch-event.js";
import { WatchPump, type WatchStreamOptions } from "../watch/watch-pump.js";

/**
 * What a route answers to an upgrade: the function that takes the socket, and the subprotocols it
 * speaks (`v5.channel.k8s.io` for exec; none or `base64.binary.k8s.io` for watch). A client that
 * offers subprotocols gets the first of its list the handler speaks, or 400 when there is none.
 */
export type WebSocketHandler = ((ws: WebSocket, req: IncomingMessage) => void) & {
  protocols?: readonly string[];
};

export type WebSocketRoute = (req: IncomingMessage) => Promise<WebSocketHandler | undefined>;

/** Base64 text frames: what Kubernetes' `base64.binary.k8s.io` subprotocol means. */
export const BASE64_BINARY_PROTOCOL = "base64.binary.k8s.io";

/** Above this many unsent bytes a watch waits for the socket before it takes the next event. */
const HIGH_WATER_MARK = 1 << 20;

/**
 * Handles WebSocket upgrades on the fastify server's HTTP server, outside fastify's routing (the
 * `upgrade` event never reaches fastify). `route` picks the handler for a request or refuses it
 * with 404. Returns a function that closes every open WebSocket (for shutdown).
 */
export function attachWebSockets(
  app: FastifyInstance,
  route: WebSocketRoute,
  log?: Logger,
): () => Promise<void> {
  const chosen = new WeakMap<IncomingMessage, string | false>();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (_offered, req) => chosen.get(req) ?? false,
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", (err) => log?.debug({ err, url: req.url }, "websocket upgrade socket error"));
    route(req).then(
      (handler) => {
        if (!handler) return refuse(socket, 404, "Not Found", `the server could not find ${req.url ?? ""}`);
        const offered = parseProtocols(req.headers["sec-websocket-protocol"]);
        const protocol = offered.find((p) => handler.protocols?.includes(p));
        if (offered.length > 0 && !protocol) {
          return refuse(
            socket,
            400,
            "Bad Request",
            `none of the requested subprotocols is supported: ${offered.join(", ")}`,
          );
        }
        chosen.set(req, protocol ?? false);
        wss.handleUpgrade(req, socket, head, (ws) => {
          try {
            handler(ws, req);
          } catch (err) {
            log?.error({ err, url: req.url }, "websocket handler failed");
            ws.close(1011, "internal error");
          }
        });
      },
      (err: unknown) => {
        // A route may refuse with a Status (pod not found, kubelet unreachable): pass it on.
        if (err instanceof StatusError && err.code < 500) {
          return refuse(socket, err.code, http.STATUS_CODES[err.code] ?? "Error", err.message, err.reason);
        }
        if (err instanceof StatusError)
          log?.warn({ err: err.message, url: req.url }, "websocket route refused");
        else log?.error({ err, url: req.url }, "websocket route failed");
        const status = err instanceof StatusError ? err : undefined;
        refuse(
          socket,
          status?.code ?? 500,
          http.STATUS_CODES[status?.code ?? 500] ?? "Error",
          status?.message ?? "internal error",
          status?.reason,
        );
      },
    );
  };
  app.server.on("upgrade", onUpgrade);

  return async () => {
    app.server.off("upgrade", onUpgrade);
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

/**
 * A watch over a WebSocket: each event is one text message (base64-encoded under
 * `base64.binary.k8s.io`). The socket closes when the source ends, and the source when the socket
 * does.
 */
export function streamWatchOverWebSocket(
  ws: WebSocket,
  source: EventSource,
  opts: WatchStreamOptions = {},
): void {
  const base64 = ws.protocol === BASE64_BINARY_PROTOCOL;
  const pump = new WatchPump(
    source,
    {
      send: (json) => {
        if (ws.readyState !== ws.OPEN) return undefined;
        const frame = base64 ? Buffer.from(json).toString("base64") : json;
        if (ws.bufferedAmount < HIGH_WATER_MARK) {
          ws.send(frame, { binary: false });
          return undefined;
        }
        return new Promise<void>((resolve) => ws.send(frame, { binary: false }, () => resolve()));
      },
    },
    opts,
  );
  const onClose = () => pump.stop();
  ws.once("close", onClose);
  ws.on("error", (err) => opts.log?.debug({ err }, "websocket watch error"));
  void pump.run().finally(() => {
    ws.off("close", onClose);
    if (ws.readyState === ws.OPEN) ws.close(1000);
  });
}

function parseProtocols(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
}

function refuse(socket: Duplex, code: number, text: string, message: string, reason?: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason: reason ?? (code === 404 ? "NotFound" : code === 400 ? "BadRequest" : "InternalError"),
    code,
  });
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

import type { ClientRequest, IncomingMessage } from "node:http";
import type { WebSocket } from "ws";
import { ConnectionError } from "./connection-error.js";
import { readBody, type TransportConfig } from "./http-transport.js";
import { errorFromResponse } from "./rest-client.js";

export type { WebSocket };

export interface WebSocketDialOptions {
  /** Path and query, e.g. `/api/v1/namespaces/default/pods/web/exec?command=sh`. */
  path: string;
  /** Subprotocols offered, most preferred first. */
  protocols: readonly string[];
  signal?: AbortSignal | undefined;
}

/**
 * Opens a WebSocket to the apiserver with the same credentials as the REST client (CA, client
 * certificate, bearer token), paused: call `resume()` once listening. A refused upgrade becomes the StatusError the server sent, so a
 * caller sees "pod not found" rather than "unexpected server response: 404". `ws` is loaded
 * here, on first use, so clients that never open a socket never load it.
 */
export async function dialWebSocket(config: TransportConfig, opts: WebSocketDialOptions): Promise<WebSocket> {
  const { WebSocket } = await import("ws");
  const base = new URL(config.server);
  const url = new URL(base.pathname.replace(/\/$/, "") + opts.path, base);
  url.protocol = base.protocol === "https:" ? "wss:" : "ws:";
  const headers: Record<string, string> = { "user-agent": config.userAgent ?? "minik8s-client" };
  if (config.token) headers.authorization = `Bearer ${config.token}`;
  const ws = new WebSocket(url, [...opts.protocols], {
    headers,
    ca: config.ca,
    cert: config.cert,
    key: config.key,
    rejectUnauthorized: !config.insecureSkipTLSVerify,
    ...(config.tlsServerName ? { servername: config.tlsServerName } : {}),
    perMessageDeflate: false,
  });
  return new Promise<WebSocket>((resolve, reject) => {
    const onAbort = () => ws.terminate();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const settle = (err?: unknown) => {
      opts.signal?.removeEventListener("abort", onAbort);
      ws.off("open", onOpen);
      ws.off("error", onError);
      ws.off("unexpected-response", onUnexpected);
      if (err) reject(err);
      else resolve(ws);
    };
    // Paused until the caller has its listeners on: frames may arrive with the handshake itself.
    const onOpen = () => {
      ws.pause();
      settle();
    };
    const onError = (err: Error) =>
      settle(opts.signal?.aborted ? (opts.signal.reason ?? err) : ConnectionError.from(config.server, err));
    const onUnexpected = (_req: ClientRequest, res: IncomingMessage) => {
      readBody(res).then(
        (text) => settle(errorFromResponse(res.statusCode ?? 0, text, `GET ${opts.path}`)),
        (err: unknown) => settle(err),
      );
    };
    ws.on("open", onOpen);
    ws.on("error", onError);
    ws.on("unexpected-response", onUnexpected);
  });
}

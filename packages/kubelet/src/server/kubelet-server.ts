import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { CHANNEL_PROTOCOLS, type Logger, silentLogger } from "@minik8s/client";
import { type WebSocket, WebSocketServer } from "ws";
import type { LogOptions } from "../runtime/container-runtime.js";
import { bridgeExec, type ExecStreams } from "./exec-bridge.js";
import { type ContainerLookup, findContainer, ServerError } from "./pod-containers.js";
import { statsSummary } from "./stats-summary.js";

export interface KubeletServerOptions extends ContainerLookup {
  /** 10250 in Kubernetes; 0 picks a free port (tests with several kubelets). */
  port: number;
  /** The address to listen on; 0.0.0.0 for every interface. */
  address?: string | undefined;
  /** Every pod on this node (for /stats/summary). */
  pods(): import("@minik8s/api").Pod[];
  logger?: Logger | undefined;
}

/**
 * The kubelet's own HTTP server, the part the apiserver reaches for `kubectl logs` and
 * `kubectl exec` (pods/log and pods/exec are proxied here):
 *   GET /containerLogs/{namespace}/{pod}/{container}?follow&tailLines&sinceSeconds&sinceTime&timestamps&previous&limitBytes
 *   GET /exec/{namespace}/{pod}/{container}?command=..&stdin&stdout&stderr&tty   (WebSocket, v5/v4.channel.k8s.io)
 *   GET /stats/summary, GET /healthz
 * Kubernetes serves it over TLS and authorizes the apiserver's client certificate; this one is
 * plain HTTP with no authentication, so bind it to an address only the control plane reaches.
 */
export class KubeletServer {
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly log: Logger;

  constructor(private readonly o: KubeletServerOptions) {
    this.log = o.logger ?? silentLogger;
    this.server = http.createServer((req, res) => {
      this.serve(req, res).catch((err: unknown) => this.fail(res, err));
    });
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: (offered) => CHANNEL_PROTOCOLS.find((p) => offered.has(p)) ?? false,
    });
    this.server.on("upgrade", (req, socket, head) => this.upgrade(req, socket, head));
  }

  /** Listens; resolves with the port it got (the one asked for, or a free one for 0). */
  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.o.port, this.o.address ?? "0.0.0.0", () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const port = (this.server.address() as AddressInfo).port;
    this.log.info(
      { node: this.o.nodeName, port, address: this.o.address ?? "0.0.0.0" },
      "kubelet server listening",
    );
    return port;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://kubelet");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (req.method !== "GET") throw new ServerError(405, "MethodNotAllowed", `${req.method} is not allowed`);
    if (url.pathname === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    if (url.pathname === "/stats/summary") {
      const summary = await statsSummary(this.o);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(summary));
      return;
    }
    if (parts[0] === "containerLogs" && parts.length === 4) {
      await this.containerLogs(res, parts[1]!, parts[2]!, parts[3]!, url.searchParams);
      return;
    }
    if (parts[0] === "exec") {
      throw new ServerError(400, "BadRequest", "Upgrade request required");
    }
    throw new ServerError(404, "NotFound", `no route for ${url.pathname}`);
  }

  private async containerLogs(
    res: ServerResponse,
    namespace: string,
    pod: string,
    container: string,
    query: URLSearchParams,
  ): Promise<void> {
    const opts = logOptions(query);
    const found = await findContainer(this.o, namespace, pod, container, flag(query, "previous"));
    const stream = await this.o.runtime.logs(found.id, opts);
    const limit = integer(query, "limitBytes");
    res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-cache" });
    // Headers out at once: a followed log that is quiet must not look like a hung request.
    res.flushHeaders();
    let sent = 0;
    stream.on("data", (chunk: Buffer) => {
      if (limit !== undefined && sent + chunk.length >= limit) {
        res.end(chunk.subarray(0, limit - sent));
        stream.destroy();
        return;
      }
      sent += chunk.length;
      res.write(chunk);
    });
    stream.on("end", () => res.end());
    stream.on("error", (err) => {
      this.log.warn({ pod: `${namespace}/${pod}`, container, err: err.message }, "log stream failed");
      res.destroy(err);
    });
    res.on("close", () => stream.destroy());
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://kubelet");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== "exec" || parts.length !== 4) {
      refuse(socket, 404, "NotFound", `no WebSocket route for ${url.pathname}`);
      return;
    }
    const [, namespace, pod, container] = parts as [string, string, string, string];
    const q = url.searchParams;
    const command = q.getAll("command");
    const streams: ExecStreams = {
      stdin: flag(q, "stdin"),
      stdout: flag(q, "stdout"),
      stderr: flag(q, "stderr"),
      tty: flag(q, "tty"),
    };
    const what = { pod: `${namespace}/${pod}`, container, command };
    void (async () => {
      if (command.length === 0)
        throw new ServerError(400, "BadRequest", "you must specify at least 1 command");
      if (!streams.stdin && !streams.stdout && !streams.stderr) {
        throw new ServerError(400, "BadRequest", "you must specify at least 1 of stdin, stdout, stderr");
      }
      const found = await findContainer(this.o, namespace, pod, container);
      if (found.state !== "running") {
        throw new ServerError(
          400,
          "BadRequest",
          `container ${container} is not running (state: ${found.state})`,
        );
      }
      const session = await this.o.runtime.execStream(found.id, {
        command,
        stdin: streams.stdin,
        tty: streams.tty,
      });
      this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        this.log.info({ ...what, protocol: ws.protocol }, "exec started");
        void bridgeExec(ws, session, streams, command).then((code) =>
          this.log.info({ ...what, exitCode: code }, "exec finished"),
        );
      });
    })().catch((err: unknown) => {
      const e = asServerError(err);
      this.log.warn({ ...what, err: e.message }, "exec refused");
      refuse(socket, e.code, e.reason, e.message);
    });
  }

  private fail(res: ServerResponse, err: unknown): void {
    const e = asServerError(err);
    if (e.code >= 500) this.log.warn({ err: e.message }, "kubelet server request failed");
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(e.code, { "content-type": "application/json" }).end(JSON.stringify(status(e)));
  }
}

function logOptions(q: URLSearchParams): LogOptions {
  let sinceSeconds = integer(q, "sinceSeconds");
  const sinceTime = q.get("sinceTime");
  if (sinceSeconds === undefined && sinceTime) {
    const at = Date.parse(sinceTime);
    if (Number.isNaN(at))
      throw new ServerError(400, "BadRequest", `invalid sinceTime ${JSON.stringify(sinceTime)}`);
    sinceSeconds = Math.max(0, Math.ceil((Date.now() - at) / 1000));
  }
  return {
    follow: flag(q, "follow"),
    timestamps: flag(q, "timestamps"),
    tailLines: integer(q, "tailLines"),
    sinceSeconds,
  };
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === "true" || v === "1";
}

function integer(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new ServerError(
      400,
      "BadRequest",
      `${name}: must be a non-negative integer, got ${JSON.stringify(v)}`,
    );
  }
  return n;
}

function asServerError(err: unknown): ServerError {
  if (err instanceof ServerError) return err;
  return new ServerError(500, "InternalError", err instanceof Error ? err.message : String(err));
}

function status(e: ServerError) {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: e.message,
    reason: e.reason,
    code: e.code,
  };
}

/** Answers an upgrade with an HTTP error carrying a Status, instead of switching protocols. */
function refuse(socket: Duplex, code: number, reason: string, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(status(new ServerError(code, reason, message)));
  socket.end(
    `HTTP/1.1 ${code} ${http.STATUS_CODES[code] ?? "Error"}\r\nConnection: close\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

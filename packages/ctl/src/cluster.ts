/*
 * mkctl's view of an apiserver: the request methods of the client's `Client`, behind an
 * interface so unit tests can stand a fake in its place, plus the two things kubectl adds on
 * top of a REST client: `--request-timeout` on every request but streams, and kubectl's own
 * wording for an apiserver that cannot be reached.
 */
import {
  type Client,
  ConnectionError as ClientConnectionError,
  type RequestOptions,
  type WebSocket,
} from "@minik8s/client";
import { ConnectionError } from "./connection-error.js";

export type { RequestOptions };

/** What mkctl needs from an apiserver: JSON requests, text (logs) and streams (watches). */
export interface Cluster {
  readonly server: string;
  request<T = unknown>(opts: RequestOptions): Promise<T>;
  requestText(opts: RequestOptions): Promise<string>;
  requestStream(opts: RequestOptions): Promise<AsyncIterable<Uint8Array>>;
  /** A WebSocket for exec (paused until resumed); absent in fakes that serve no streams. */
  openWebSocket?(opts: WebSocketRequest): Promise<WebSocket>;
}

export interface WebSocketRequest {
  path: string;
  query?: RequestOptions["query"];
  protocols: readonly string[];
}

/**
 * A Cluster over the REST client of @minik8s/client (TLS, client certificates, tokens), adding
 * kubectl's `--request-timeout` to every request but streams, and kubectl's wording for an
 * apiserver that cannot be reached.
 */
export class ClientCluster implements Cluster {
  constructor(
    private readonly client: Client,
    private readonly timeoutMs?: number,
  ) {}

  get server(): string {
    return this.client.server;
  }

  request<T = unknown>(opts: RequestOptions): Promise<T> {
    return this.call(() => this.client.request<T>(this.withTimeout(opts)), opts);
  }

  requestText(opts: RequestOptions): Promise<string> {
    return this.call(() => this.client.requestText(this.withTimeout(opts)), opts);
  }

  requestStream(opts: RequestOptions): Promise<AsyncIterable<Uint8Array>> {
    return this.call(() => this.client.requestStream(opts), opts);
  }

  openWebSocket(opts: WebSocketRequest): Promise<WebSocket> {
    return this.call(() => this.client.openWebSocket(opts), { path: opts.path });
  }

  private withTimeout(opts: RequestOptions): RequestOptions {
    if (!this.timeoutMs) return opts;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return { ...opts, signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout };
  }

  private async call<T>(run: () => Promise<T>, opts: RequestOptions): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ClientConnectionError) throw new ConnectionError(this.server, err.code, err.message);
      const name = (err as { name?: string }).name;
      if (!opts.signal?.aborted && (name === "TimeoutError" || name === "AbortError") && this.timeoutMs) {
        throw new ConnectionError(this.server, "TIMEOUT", "timeout");
      }
      throw err;
    }
  }
}

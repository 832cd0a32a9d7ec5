import { StatusError, type StatusReason } from "@minik8s/api";
import { type Client, ConnectionError as ClientConnectionError } from "@minik8s/client";

type QueryValue = string | number | boolean | undefined | readonly string[];

export interface RequestOptions {
  method?: string;
  path: string;
  query?: Record<string, QueryValue>;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal | undefined;
}

/**
 * What mkctl needs from an apiserver: JSON requests, text (logs) and streams (watches). It is the
 * request surface of the REST client in @minik8s/client, so either can stand behind a command.
 */
export interface Cluster {
  readonly server: string;
  request<T = unknown>(opts: RequestOptions): Promise<T>;
  requestText(opts: RequestOptions): Promise<string>;
  requestStream(opts: RequestOptions): Promise<AsyncIterable<Uint8Array>>;
}

export interface ConnectionConfig {
  server: string;
  token?: string | undefined;
  /** Milliseconds; 0 or undefined waits forever (kubectl's `--request-timeout=0`). */
  timeoutMs?: number | undefined;
}

/** The apiserver could not be reached at all; the message says how to get a cluster. */
export class ConnectionError extends Error {
  constructor(
    readonly server: string,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(connectionMessage(server, code, detail));
    this.name = "ConnectionError";
  }
}

function connectionMessage(server: string, code: string | undefined, detail: string): string {
  const host = hostOf(server);
  if (code === "ECONNREFUSED") {
    return (
      `The connection to the server ${host} was refused - did you specify the right host or port?\n` +
      "No minik8s apiserver answers there. Start a cluster with `npx minik8s up` (or `npm start` in the " +
      "minik8s repository), or point --server, --kubeconfig or KUBECONFIG at a running one."
    );
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return `dial tcp: lookup ${host}: no such host; check the server in your kubeconfig`;
  }
  if (code === "TIMEOUT") return `the request to ${server} timed out (--request-timeout)`;
  return detail.startsWith("cannot") || detail.startsWith("the ") ? detail : `Unable to connect to the server: ${detail}`;
}

function hostOf(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

const REASON_BY_CODE: Record<number, StatusReason> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Gone",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/** A non-2xx reply as the StatusError it carries, or one made from the HTTP code. */
export function errorFromReply(code: number, text: string): StatusError {
  try {
    const body = JSON.parse(text) as { kind?: string };
    if (body?.kind === "Status") return StatusError.fromStatus(body as never, code);
  } catch {
    // not JSON
  }
  const reason = REASON_BY_CODE[code] ?? (code >= 500 ? "InternalError" : "BadRequest");
  return new StatusError(code, reason, text.trim() || `the server responded with the status code ${code}`);
}

export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
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

/** A Cluster over Node's fetch: plain http(s) with an optional bearer token. */
export class HttpCluster implements Cluster {
  readonly server: string;

  constructor(private readonly config: ConnectionConfig) {
    this.server = config.server.replace(/\/$/, "");
  }

  async request<T = unknown>(opts: RequestOptions): Promise<T> {
    const res = await this.send(opts);
    const text = await res.text();
    if (text === "") return undefined as T;
    return JSON.parse(text) as T;
  }

  async requestText(opts: RequestOptions): Promise<string> {
    return (await this.send({ accept: "text/plain, */*", ...opts })).text();
  }

  async requestStream(opts: RequestOptions): Promise<AsyncIterable<Uint8Array>> {
    const res = await this.send({ ...opts, stream: true } as RequestOptions);
    if (!res.body) return (async function* () {})();
    return res.body as unknown as AsyncIterable<Uint8Array>;
  }

  private async send(opts: RequestOptions & { stream?: boolean }): Promise<Response> {
    const headers: Record<string, string> = { accept: opts.accept ?? "application/json" };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] = opts.contentType ?? "application/json";
    }
    if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;
    headers["user-agent"] = "mkctl";
    const signals: AbortSignal[] = [];
    if (opts.signal) signals.push(opts.signal);
    // Streams (watches, followed logs) run until the caller stops them, as kubectl's do.
    if (this.config.timeoutMs && !opts.stream) signals.push(AbortSignal.timeout(this.config.timeoutMs));
    let res: Response;
    try {
      res = await fetch(this.server + opts.path + queryString(opts.query), {
        method: opts.method ?? "GET",
        headers,
        body,
        signal: signals.length ? AbortSignal.any(signals) : undefined,
      });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
      if (e.name === "TimeoutError") throw new ConnectionError(this.server, "TIMEOUT", "timeout");
      throw new ConnectionError(this.server, e.cause?.code, e.cause?.message ?? e.message ?? String(err));
    }
    if (res.status < 200 || res.status >= 300) throw errorFromReply(res.status, await res.text());
    return res;
  }
}

/** Newline-delimited JSON from a stream (watch events), decoding across chunk boundaries. */
export async function* jsonLines<T>(stream: AsyncIterable<Uint8Array>): AsyncGenerator<T> {
  const utf8 = new TextDecoder();
  let tail = "";
  for await (const chunk of stream) {
    tail += utf8.decode(chunk, { stream: true });
    let nl = tail.indexOf("\n");
    while (nl >= 0) {
      const line = tail.slice(0, nl).trim();
      tail = tail.slice(nl + 1);
      if (line) yield JSON.parse(line) as T;
      nl = tail.indexOf("\n");
    }
  }
  if (tail.trim()) yield JSON.parse(tail) as T;
}

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { type ApiServer, type ApiServerOptions, startApiServer } from "../../src/server.js";

// biome-ignore lint/suspicious/noExplicitAny: replies are JSON read by tests field by field
type Json = any;

export interface Reply {
  status: number;
  headers: Headers;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: Json;
  text: string;
}

export interface RequestOptions {
  /** An object is sent as JSON; a string or Buffer as it is. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
}

/**
 * A real apiserver on 127.0.0.1 with a fresh data folder, and small helpers to talk to it over
 * HTTP. `restart()` closes it and opens a new one on the same data, as a process restart would.
 */
export class TestServer {
  private constructor(
    public server: ApiServer,
    readonly dataDir: string,
    private readonly options: Partial<ApiServerOptions>,
  ) {}

  static async start(options: Partial<ApiServerOptions> = {}): Promise<TestServer> {
    const dataDir = await mkdtemp(join(tmpdir(), "minik8s-apiserver-"));
    try {
      const server = await open(dataDir, options);
      return new TestServer(server, dataDir, options);
    } catch (err) {
      await rm(dataDir, { recursive: true, force: true });
      throw err;
    }
  }

  get url(): string {
    return this.server.url;
  }

  async restart(): Promise<void> {
    await this.server.close();
    this.server = await open(this.dataDir, this.options);
  }

  async close(): Promise<void> {
    try {
      await this.server.close();
    } finally {
      await rm(this.dataDir, { recursive: true, force: true });
    }
  }

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | Buffer | undefined;
    if (opts.body !== undefined) {
      body =
        typeof opts.body === "string" || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] = opts.contentType ?? "application/json";
    } else if (opts.contentType) {
      headers["content-type"] = opts.contentType;
    }
    if (opts.accept) headers.accept = opts.accept;
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    let parsed: Json;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  get(path: string, opts?: RequestOptions) {
    return this.request("GET", path, opts);
  }
  post(path: string, body: unknown, opts?: RequestOptions) {
    return this.request("POST", path, { ...opts, body });
  }
  put(path: string, body: unknown, opts?: RequestOptions) {
    return this.request("PUT", path, { ...opts, body });
  }
  patch(path: string, contentType: string, body: unknown, opts?: RequestOptions) {
    return this.request("PATCH", path, { ...opts, body, contentType });
  }
  delete(path: string, body?: unknown, opts?: RequestOptions) {
    return this.request("DELETE", path, { ...opts, ...(body !== undefined ? { body } : {}) });
  }

  /** POST that must succeed; returns the created object. */
  async create(path: string, body: unknown): Promise<Json> {
    const reply = await this.post(path, body);
    expect(reply.status, reply.text).toBe(201);
    return reply.body;
  }

  /** Opens `?watch=true` on `path` (which carries its own query) and reads events as they come. */
  watch(path: string, accept?: string): Promise<WatchReader> {
    return WatchReader.open(`${this.url}${path}`, accept);
  }
}

function open(dataDir: string, options: Partial<ApiServerOptions>): Promise<ApiServer> {
  return startApiServer({ dataDir, host: "127.0.0.1", port: 0, logger: false, ...options });
}

/** Asserts a failed reply: the code, a `Status` body with that code, and optionally the reason. */
export function expectStatus(reply: Reply, code: number, reason?: string): Json {
  expect(reply.status, reply.text).toBe(code);
  expect(reply.body).toMatchObject({ kind: "Status", apiVersion: "v1", status: "Failure", code });
  expect(typeof reply.body.message).toBe("string");
  if (reason) expect(reply.body.reason).toBe(reason);
  return reply.body;
}

export interface WatchEventJson {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: Json;
}

/** Reads a chunked NDJSON watch one event at a time. */
export class WatchReader {
  private readonly queue: WatchEventJson[] = [];
  private waiting: (() => void) | undefined;
  private ended = false;
  private failure: unknown;

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    private readonly abort: AbortController,
    body: ReadableStream<Uint8Array> | null,
  ) {
    void this.pump(body);
  }

  /** Resolves once the response headers are in; fails if they take longer than `headersWithinMs`. */
  static async open(url: string, accept?: string, headersWithinMs = 10_000): Promise<WatchReader> {
    const abort = new AbortController();
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      abort.abort();
    }, headersWithinMs);
    try {
      const res = await fetch(url, { signal: abort.signal, headers: accept ? { accept } : {} });
      return new WatchReader(res.status, res.headers, abort, res.body);
    } catch (err) {
      if (late) throw new Error(`no response headers within ${headersWithinMs} ms for ${url}`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async pump(body: ReadableStream<Uint8Array> | null): Promise<void> {
    if (!body) {
      this.end();
      return;
    }
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for await (const chunk of body) {
        buffered += decoder.decode(chunk, { stream: true });
        let newline = buffered.indexOf("\n");
        while (newline >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) this.queue.push(JSON.parse(line) as WatchEventJson);
          newline = buffered.indexOf("\n");
        }
        this.wake();
      }
    } catch (err) {
      if (!this.abort.signal.aborted) this.failure = err;
    }
    this.end();
  }

  private end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const wake = this.waiting;
    this.waiting = undefined;
    wake?.();
  }

  /** The next event, or undefined once the stream has ended. Fails if nothing comes for `waitMs`. */
  async next(waitMs = 10_000): Promise<WatchEventJson | undefined> {
    const deadline = Date.now() + waitMs;
    while (this.queue.length === 0 && !this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no watch event within ${waitMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (this.failure) throw this.failure;
    return this.queue.shift();
  }

  /** The next `count` events (fails if the stream ends first). */
  async take(count: number, waitMs?: number): Promise<WatchEventJson[]> {
    const out: WatchEventJson[] = [];
    while (out.length < count) {
      const event = await this.next(waitMs);
      if (!event) throw new Error(`the watch ended after ${out.length} of ${count} events`);
      out.push(event);
    }
    return out;
  }

  /** Every event until the server ends the stream. */
  async rest(waitMs?: number): Promise<WatchEventJson[]> {
    const out: WatchEventJson[] = [];
    for (let event = await this.next(waitMs); event; event = await this.next(waitMs)) out.push(event);
    return out;
  }

  /** Events that arrived already, without waiting. */
  get pending(): number {
    return this.queue.length;
  }

  get isEnded(): boolean {
    return this.ended && this.queue.length === 0;
  }

  close(): void {
    this.abort.abort();
  }
}

/** `TYPE name` lines: readable expectations for event sequences. */
export function summarize(events: WatchEventJson[]): string[] {
  return events.map((e) => `${e.type} ${e.object?.metadata?.name ?? ""}`);
}

export function pod(name: string, extra: { labels?: Record<string, string>; spec?: Json } = {}): Json {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: extra.spec ?? { containers: [{ name: "app", image: "nginx:1.25" }] },
  };
}

export function deployment(name: string, replicas = 1): Json {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "app", image: "nginx:1.25" }] },
      },
    },
  };
}

export function configMap(
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
): Json {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...(labels ? { labels } : {}) }, data };
}

export function service(name: string, spec: Json = {}): Json {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
  };
}

export const TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io";
export const MERGE = "application/merge-patch+json";
export const JSON_PATCH = "application/json-patch+json";
export const STRATEGIC = "application/strategic-merge-patch+json";
export const APPLY = "application/apply-patch+yaml";

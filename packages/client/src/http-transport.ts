import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type https from "node:https";
import { ConnectionError } from "./connection-error.js";

/** How to reach and authenticate to one apiserver: the resolved part of a kubeconfig. */
export interface TransportConfig {
  /** `https://10.0.0.1:6443` or `http://127.0.0.1:8080`; a path prefix is kept. */
  server: string;
  token?: string | undefined;
  /** PEM of the CA that signed the server's certificate: the only one trusted (pinning). */
  ca?: string | Buffer | undefined;
  /** PEM client certificate and key, for certificate authentication. */
  cert?: string | Buffer | undefined;
  key?: string | Buffer | undefined;
  insecureSkipTLSVerify?: boolean | undefined;
  /** The name to check the server certificate against, when it differs from the host. */
  tlsServerName?: string | undefined;
  userAgent?: string | undefined;
}

export interface HttpRequest {
  method: string;
  /** Path and query, e.g. `/api/v1/pods?watch=true`. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer | undefined;
  signal?: AbortSignal | undefined;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as a stream; read it whole, or iterate it for watches and followed logs. */
  body: IncomingMessage;
}

/**
 * One keep-alive connection pool to one apiserver over node:http(s). Node's fetch cannot pin a
 * CA or present a client certificate without undici's own Agent, so the client sits on the
 * plain http modules, which also stream watch bodies as they arrive.
 */
export class HttpTransport {
  readonly server: string;
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly lib: typeof http | typeof https;
  /** The parts of `server` every request repeats, worked out once. */
  private readonly prefix: string;
  private readonly hostname: string;
  private readonly port: string | undefined;

  constructor(private readonly config: TransportConfig) {
    this.base = new URL(config.server);
    this.prefix = this.base.pathname.replace(/\/$/, "");
    this.server = this.base.origin + this.prefix;
    this.hostname = this.base.hostname.replace(/^\[|\]$/g, "");
    this.port = this.base.port || undefined;
    if (this.base.protocol === "https:") {
      // Loaded here, not imported: TLS is costly to load and plain-http clients never need it.
      const https = process.getBuiltinModule("node:https");
      this.lib = https;
      this.agent = new https.Agent({
        keepAlive: true,
        ca: config.ca,
        cert: config.cert,
        key: config.key,
        rejectUnauthorized: !config.insecureSkipTLSVerify,
        servername: config.tlsServerName,
      });
    } else if (this.base.protocol === "http:") {
      this.lib = http;
      this.agent = new http.Agent({ keepAlive: true });
    } else {
      throw new Error(`unsupported apiserver URL ${config.server}: use http:// or https://`);
    }
  }

  send(req: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...req.headers };
    if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;
    headers["user-agent"] = this.config.userAgent ?? "minik8s-client";
    if (req.body !== undefined) headers["content-length"] = String(Buffer.byteLength(req.body));
    return new Promise((resolve, reject) => {
      const outgoing = this.lib.request(
        {
          protocol: this.base.protocol,
          hostname: this.hostname,
          port: this.port,
          method: req.method,
          path: this.prefix + req.path,
          headers,
          agent: this.agent,
          signal: req.signal,
        },
        (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
      );
      outgoing.on("error", (err) => {
        if (req.signal?.aborted) reject(req.signal.reason ?? err);
        else reject(ConnectionError.from(this.server, err));
      });
      outgoing.end(req.body);
    });
  }

  /** Closes pooled connections; requests in flight (watches) are ended by their own signals. */
  close(): void {
    this.agent.destroy();
  }
}

/**
 * Reads a whole response body as text. With listeners rather than `for await`: every request of a
 * controller reads a body, and a stream's async iterator costs several promises per chunk.
 */
export function readBody(body: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on("data", (chunk: Buffer) => chunks.push(chunk));
    body.once("end", () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")),
    );
    body.once("error", reject);
    // A response cut short closes without "end" or "error": the same error `for await` gives.
    body.once("close", () => {
      if (!body.complete) reject(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
    });
  });
}

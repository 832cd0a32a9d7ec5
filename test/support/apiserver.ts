import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiServer, type ApiServerOptions, startApiServer } from "@minik8s/apiserver";

// biome-ignore lint/suspicious/noExplicitAny: replies are JSON read by tests field by field
type Json = any;

/**
 * An apiserver in this process on 127.0.0.1, with its own data folder, for end-to-end tests that
 * drive it with real clients. `stop()` and `resume()` take it down and bring it back on the same
 * data and the same port, so clients configured with its URL reconnect as they would to a
 * restarted apiserver.
 */
export class TestApiServer {
  private current: ApiServer | undefined;

  private constructor(
    readonly dataDir: string,
    private port: number,
    private readonly options: Partial<ApiServerOptions>,
  ) {}

  static async start(options: Partial<ApiServerOptions> = {}): Promise<TestApiServer> {
    const dataDir = await mkdtemp(join(tmpdir(), "minik8s-e2e-"));
    const server = new TestApiServer(dataDir, 0, options);
    try {
      await server.resume();
    } catch (err) {
      await rm(dataDir, { recursive: true, force: true });
      throw err;
    }
    return server;
  }

  get server(): ApiServer {
    if (!this.current) throw new Error("the apiserver is stopped");
    return this.current;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Closes the apiserver (every connection with it) and keeps its data. */
  async stop(): Promise<void> {
    const server = this.current;
    this.current = undefined;
    await server?.close();
  }

  /** Starts it again on the same data folder and, after the first start, the same port. */
  async resume(): Promise<void> {
    if (this.current) return;
    this.current = await startApiServer({
      dataDir: this.dataDir,
      host: "127.0.0.1",
      port: this.port,
      logger: false,
      ...this.options,
    });
    this.port = Number(new URL(this.current.url).port);
  }

  async close(): Promise<void> {
    try {
      await this.stop();
    } finally {
      await rm(this.dataDir, { recursive: true, force: true });
    }
  }

  /** One HTTP request; the body parsed as JSON when it is JSON. */
  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      ...(body !== undefined
        ? {
            body: typeof body === "string" ? body : JSON.stringify(body),
            headers: { "content-type": contentType },
          }
        : {}),
    });
    const text = await res.text();
    let parsed: Json;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  }
}

/** A kubeconfig for `url` over plain HTTP, in `dir`; returns its path. */
export async function writeKubeconfig(dir: string, url: string, namespace = "default"): Promise<string> {
  const path = join(dir, "kubeconfig");
  await writeFile(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- cluster: {server: "${url}"}`,
      "  name: minik8s",
      "contexts:",
      `- context: {cluster: minik8s, user: minik8s, namespace: ${namespace}}`,
      "  name: minik8s",
      "current-context: minik8s",
      "users:",
      "- name: minik8s",
      "  user: {}",
      "",
    ].join("\n"),
  );
  return path;
}

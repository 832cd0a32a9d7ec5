import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";

const MINIK8S = fileURLToPath(new URL("../../packages/minik8s/bin/minik8s.js", import.meta.url));

/**
 * An apiserver in its own process for a benchmark (built by `npm run build`), and a keep-alive
 * HTTP client for it: the load generator must not share the server's event loop, and should
 * spend as little CPU as it can on the machine they share.
 */
export class ApiServerProcess {
  readonly agent: http.Agent;
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    maxSockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** The server's process id, e.g. to read its CPU time. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(opts: { port: number; dataDir: string; maxSockets: number }): Promise<ApiServerProcess> {
    const child = spawn(
      process.execPath,
      [
        // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server
        ...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
        MINIK8S,
        "apiserver",
        "--data-dir",
        opts.dataDir,
        "--listen",
        `127.0.0.1:${opts.port}`,
        "--log-level",
        "warn",
      ],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
    const server = new ApiServerProcess(opts.port, child, opts.maxSockets);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      // /readyz answers once routes exist; the default namespace follows a moment later.
      const ready = await server.request("GET", "/api/v1/namespaces/default").catch(() => undefined);
      if (ready?.status === 200) return server;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGKILL");
    server.agent.destroy();
    throw new Error(
      `the apiserver did not answer on 127.0.0.1:${opts.port} within 30 s (is it built? npm run build)`,
    );
  }

  /** One request; `body` is sent as JSON (a string is sent as it is). */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
      const req = http.request(
        {
          host: "127.0.0.1",
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: payload
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
            : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await exited;
    this.agent.destroy();
  }
}

import { createConnection, createServer, type Server, type Socket } from "node:net";
import { type Logger, silentLogger } from "@minik8s/client";
import type { RoundRobin } from "./load-balancer.js";

/** How long a connect to an endpoint may take before the next endpoint is tried. */
const CONNECT_TIMEOUT_MS = 3000;

/** A TCP listener that splices each accepted connection to an endpoint the balancer picks. */
export class TcpProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly name: string,
    private readonly lb: RoundRobin,
    private readonly log: Logger = silentLogger,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  /** Listens on host:port (port 0: any free port); resolves the port it got. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        const addr = this.server.address();
        resolve(typeof addr === "object" && addr ? addr.port : port);
      });
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private accept(client: Socket): void {
    this.sockets.add(client);
    client.on("close", () => this.sockets.delete(client));
    client.on("error", () => client.destroy());
    client.pause();
    this.connect(client, Math.max(1, this.lb.size));
  }

  private connect(client: Socket, triesLeft: number): void {
    const ep = this.lb.pick(client.remoteAddress);
    if (!ep || client.destroyed) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: ep.ip, port: ep.port });
    upstream.setTimeout(CONNECT_TIMEOUT_MS, () => upstream.destroy(new Error("connect timed out")));
    let connected = false;
    upstream.once("connect", () => {
      connected = true;
      upstream.setTimeout(0);
      this.sockets.add(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on("close", () => {
      this.sockets.delete(upstream);
      if (connected) client.end();
    });
    client.once("close", () => upstream.destroy());
    upstream.on("error", (err) => {
      if (connected) {
        client.destroy();
        return;
      }
      this.log.debug(
        { service: this.name, endpoint: `${ep.ip}:${ep.port}`, err: err.message },
        "endpoint failed; trying the next",
      );
      this.lb.forget(client.remoteAddress);
      if (triesLeft > 1) this.connect(client, triesLeft - 1);
      else client.destroy();
    });
  }
}

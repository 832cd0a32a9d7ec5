import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import type { Endpoint } from "../service-map.js";
import type { RoundRobin } from "./load-balancer.js";

/** A client's flow is forgotten after this long without packets (kube-proxy's udp-timeout is 250ms; DNS-style traffic wants more). */
const UDP_IDLE_MS = 30_000;

interface Flow {
  upstream: Socket;
  endpoint: Endpoint;
  timer: NodeJS.Timeout;
}

/**
 * A UDP listener: each client address gets its own upstream socket to the endpoint the balancer
 * picked, so replies find their way back; flows idle for UDP_IDLE_MS are closed.
 */
export class UdpProxy {
  private readonly socket = createSocket("udp4");
  private readonly flows = new Map<string, Flow>();

  constructor(private readonly lb: RoundRobin) {
    this.socket.on("message", (msg, from) => this.forward(msg, from));
    this.socket.on("error", () => {});
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.socket.once("error", reject);
      this.socket.bind(port, host, () => {
        this.socket.off("error", reject);
        resolve(this.socket.address().port);
      });
    });
  }

  async close(): Promise<void> {
    for (const f of this.flows.values()) {
      clearTimeout(f.timer);
      f.upstream.close();
    }
    this.flows.clear();
    await new Promise<void>((r) => this.socket.close(() => r()));
  }

  private forward(msg: Buffer, from: RemoteInfo): void {
    const id = `${from.address}:${from.port}`;
    let flow = this.flows.get(id);
    if (!flow) {
      const ep = this.lb.pick(from.address);
      if (!ep) return;
      const upstream = createSocket("udp4");
      upstream.on("message", (reply) => {
        this.socket.send(reply, from.port, from.address);
        this.touch(id);
      });
      upstream.on("error", () => this.drop(id));
      flow = { upstream, endpoint: ep, timer: setTimeout(() => this.drop(id), UDP_IDLE_MS) };
      this.flows.set(id, flow);
    } else {
      this.touch(id);
    }
    flow.upstream.send(msg, flow.endpoint.port, flow.endpoint.ip);
  }

  private touch(id: string): void {
    const f = this.flows.get(id);
    if (!f) return;
    f.timer.refresh();
  }

  private drop(id: string): void {
    const f = this.flows.get(id);
    if (!f) return;
    clearTimeout(f.timer);
    f.upstream.close();
    this.flows.delete(id);
  }
}

import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import { CLUSTER_DOMAIN } from "@minik8s/api";
import { type Logger, silentLogger } from "@minik8s/client";
import * as dnsPacket from "dns-packet";
import { type DnsSource, lookup } from "./records.js";
import { forward } from "./upstream.js";

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3 } as const;
/** The largest reply plain UDP DNS carries; past it the reply says "truncated, ask over TCP". */
const UDP_MAX = 512;

export interface DnsServerOptions {
  source: DnsSource;
  domain?: string;
  /** The host's resolvers, for names outside the cluster domain. */
  upstreams: string[];
  /** How long each upstream may take before the next is tried. */
  forwardTimeoutMs?: number;
  logger?: Logger;
}

/**
 * The cluster DNS: answers names in the cluster domain from the proxy's Service and Endpoints
 * caches, and relays every other name to the host's resolvers (SERVFAIL when none answers).
 * Serves UDP and TCP (two-byte length-prefixed messages) on one address.
 */
export class DnsServer {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly conns = new Set<Socket>();
  private readonly domain: string;
  private readonly log: Logger;

  constructor(private readonly opts: DnsServerOptions) {
    this.domain = opts.domain ?? CLUSTER_DOMAIN;
    this.log = opts.logger ?? silentLogger;
  }

  /** Binds UDP and TCP on host:port (port 0: the same free port for both); resolves the port. */
  async listen(host: string, port: number): Promise<number> {
    const udp = createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      udp.once("error", reject);
      udp.bind(port, host, () => {
        udp.off("error", reject);
        resolve();
      });
    });
    const bound = udp.address().port;
    udp.on("message", (msg, from) => {
      void this.handle(msg, true).then((reply) => {
        if (reply) udp.send(reply, from.port, from.address);
      });
    });
    udp.on("error", (err) => this.log.warn({ err: err.message }, "dns udp socket error"));
    const tcp = createServer((sock) => this.serveTcp(sock));
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen(bound, host, () => {
          tcp.off("error", reject);
          resolve();
        });
      });
    } catch (err) {
      udp.close();
      throw err;
    }
    this.udp = udp;
    this.tcp = tcp;
    return bound;
  }

  async close(): Promise<void> {
    for (const c of this.conns) c.destroy();
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    if (udp) await new Promise<void>((r) => udp.close(() => r()));
    if (tcp) await new Promise<void>((r) => tcp.close(() => r()));
  }

  get listening(): boolean {
    return this.udp !== undefined;
  }

  /** One query in, one reply out (undefined: not a query we can even answer FORMERR to). */
  async handle(msg: Buffer, overUdp: boolean): Promise<Buffer | undefined> {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return msg.length >= 12 ? this.errorReply(msg.readUInt16BE(0), [], RCODE.FORMERR) : undefined;
    }
    if (query.type !== "query") return undefined;
    const q = query.questions?.[0];
    if (!q || (query.questions?.length ?? 0) !== 1)
      return this.errorReply(query.id ?? 0, query.questions ?? [], RCODE.FORMERR);
    const result = lookup(this.opts.source, q.name, q.type, this.domain);
    if (result.kind === "forward") {
      const reply = await forward(msg, this.opts.upstreams, this.opts.forwardTimeoutMs ?? 2000);
      if (reply) return reply;
      this.log.debug(
        { name: q.name, type: q.type, upstreams: this.opts.upstreams },
        "no upstream answered: SERVFAIL",
      );
      return this.errorReply(query.id ?? 0, [q], RCODE.SERVFAIL, query.flags);
    }
    const rd = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
    const reply = dnsPacket.encode({
      type: "response",
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | rd | RCODE[result.rcode],
      questions: [q],
      answers: result.answers,
      additionals: result.additionals,
    });
    if (overUdp && reply.length > UDP_MAX) {
      return dnsPacket.encode({
        type: "response",
        id: query.id ?? 0,
        flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.TRUNCATED_RESPONSE | rd | RCODE[result.rcode],
        questions: [q],
      });
    }
    return reply;
  }

  private errorReply(id: number, questions: dnsPacket.Question[], rcode: number, queryFlags = 0): Buffer {
    return dnsPacket.encode({
      type: "response",
      id,
      flags: (queryFlags & dnsPacket.RECURSION_DESIRED) | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions,
    });
  }

  private serveTcp(sock: Socket): void {
    this.conns.add(sock);
    sock.on("close", () => this.conns.delete(sock));
    sock.on("error", () => sock.destroy());
    sock.setTimeout(10_000, () => sock.destroy());
    let buf = Buffer.alloc(0);
    sock.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        void this.handle(msg, false).then((reply) => {
          if (!reply || sock.destroyed) return;
          const head = Buffer.alloc(2);
          head.writeUInt16BE(reply.length);
          sock.write(Buffer.concat([head, reply]));
        });
      }
    });
  }
}

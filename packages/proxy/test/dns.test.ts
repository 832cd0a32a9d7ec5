import { createSocket } from "node:dgram";
import { connect } from "node:net";
import type { Endpoints, Service } from "@minik8s/api";
import * as dnsPacket from "dns-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DnsServer } from "../src/dns/dns-server.js";
import type { DnsSource } from "../src/dns/records.js";
import { parseNameservers } from "../src/dns/upstream.js";

const services: Service[] = [
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "default" },
    spec: { clusterIP: "10.96.0.20", ports: [{ name: "http", port: 80, protocol: "TCP" }] },
  },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "db", namespace: "prod" },
    spec: { clusterIP: "None", ports: [{ name: "pg", port: 5432 }] },
  },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "ext", namespace: "default" },
    spec: { type: "ExternalName", externalName: "example.org" },
  },
];
const endpoints: Endpoints[] = [
  {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "db", namespace: "prod" },
    subsets: [
      {
        addresses: [{ ip: "10.244.1.5", hostname: "db-0" }, { ip: "10.244.1.6" }],
        notReadyAddresses: [{ ip: "10.244.1.7" }],
        ports: [{ name: "pg", port: 5432 }],
      },
    ],
  },
];
const source: DnsSource = {
  service: (ns, n) => services.find((s) => s.metadata.namespace === ns && s.metadata.name === n),
  endpoints: (ns, n) => endpoints.find((s) => s.metadata.namespace === ns && s.metadata.name === n),
};

let id = 1;
function query(name: string, type: dnsPacket.RecordType = "A"): Buffer {
  return dnsPacket.encode({
    type: "query",
    id: id++,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type }],
  });
}

function askUdp(port: number, msg: Buffer): Promise<dnsPacket.DecodedPacket> {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    const t = setTimeout(() => {
      s.close();
      reject(new Error("no reply"));
    }, 5000);
    s.on("message", (m) => {
      clearTimeout(t);
      s.close();
      resolve(dnsPacket.decode(m));
    });
    s.send(msg, port, "127.0.0.1");
  });
}

function askTcp(port: number, msg: Buffer): Promise<dnsPacket.DecodedPacket> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1");
    let buf = Buffer.alloc(0);
    sock.on("error", reject);
    sock.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        sock.destroy();
        resolve(dnsPacket.decode(buf.subarray(2)));
      }
    });
    sock.write(dnsPacket.streamEncode(dnsPacket.decode(msg)));
  });
}

const rcode = (p: dnsPacket.DecodedPacket) => (p.flags ?? 0) & 0xf;
const data = (p: dnsPacket.DecodedPacket) => (p.answers ?? []).map((a) => (a as { data?: unknown }).data);

describe("cluster DNS", () => {
  let server: DnsServer;
  let port: number;
  // A stand-in for the host's resolver: answers every A query with 192.0.2.1.
  const upstream = createSocket("udp4");
  let silent: DnsServer;

  beforeAll(async () => {
    upstream.on("message", (m, from) => {
      const q = dnsPacket.decode(m);
      const reply = dnsPacket.encode({
        type: "response",
        id: q.id ?? 0,
        flags: dnsPacket.RECURSION_AVAILABLE,
        questions: q.questions ?? [],
        answers: [{ name: q.questions?.[0]?.name ?? "", type: "A", ttl: 60, data: "192.0.2.1" }],
      });
      upstream.send(reply, from.port, from.address);
    });
    await new Promise<void>((r) => upstream.bind(0, "127.0.0.1", () => r()));
    server = new DnsServer({
      source,
      upstreams: [`127.0.0.1:${upstream.address().port}`],
      forwardTimeoutMs: 500,
    });
    port = await server.listen("127.0.0.1", 0);
    // Its only upstream is a port where nobody answers.
    silent = new DnsServer({ source, upstreams: ["127.0.0.1:9"], forwardTimeoutMs: 200 });
  });
  afterAll(async () => {
    await server.close();
    await silent.close();
    upstream.close();
  });

  it("answers a service's ClusterIP, authoritatively, case-insensitively", async () => {
    const r = await askUdp(port, query("Web.Default.svc.cluster.local"));
    expect(rcode(r)).toBe(0);
    expect(r.flag_aa).toBe(true);
    expect(data(r)).toEqual(["10.96.0.20"]);
    expect(r.answers?.[0]).toMatchObject({ ttl: 5 });
  });

  it("answers a headless service with its ready pod IPs only, and a pod by hostname", async () => {
    const r = await askUdp(port, query("db.prod.svc.cluster.local"));
    expect(data(r).sort()).toEqual(["10.244.1.5", "10.244.1.6"]);
    expect(data(await askUdp(port, query("db-0.db.prod.svc.cluster.local")))).toEqual(["10.244.1.5"]);
  });

  it("answers SRV for named ports", async () => {
    const r = await askUdp(port, query("_http._tcp.web.default.svc.cluster.local", "SRV"));
    expect(data(r)).toEqual([expect.objectContaining({ port: 80, target: "web.default.svc.cluster.local" })]);
    expect(data({ answers: r.additionals } as dnsPacket.DecodedPacket)).toEqual(["10.96.0.20"]);
    const h = await askUdp(port, query("_pg._tcp.db.prod.svc.cluster.local", "SRV"));
    expect(data(h)).toHaveLength(2);
    expect(rcode(await askUdp(port, query("_nope._tcp.web.default.svc.cluster.local", "SRV")))).toBe(3);
  });

  it("answers pod A records, CNAMEs ExternalName services, and NXDOMAINs unknown cluster names", async () => {
    expect(data(await askUdp(port, query("10-244-3-7.default.pod.cluster.local")))).toEqual(["10.244.3.7"]);
    const ext = await askUdp(port, query("ext.default.svc.cluster.local"));
    expect(ext.answers?.[0]).toMatchObject({ type: "CNAME", data: "example.org" });
    const nx = await askUdp(port, query("nope.default.svc.cluster.local"));
    expect(rcode(nx)).toBe(3);
    expect(nx.answers).toEqual([]);
    expect(rcode(await askUdp(port, query("web.default.svc.cluster.local", "AAAA")))).toBe(0);
  });

  it("serves TCP too", async () => {
    const r = await askTcp(port, query("web.default.svc.cluster.local"));
    expect(data(r)).toEqual(["10.96.0.20"]);
  });

  it("forwards other names to the host's resolvers, SERVFAIL when none answers", async () => {
    const r = await askUdp(port, query("example.com"));
    expect(data(r)).toEqual(["192.0.2.1"]);
    const f = await silent.handle(query("example.com"), true);
    expect(rcode(dnsPacket.decode(f as Buffer))).toBe(2);
  });

  it("reads nameservers from resolv.conf", () => {
    expect(parseNameservers("# c\nsearch x\nnameserver 10.0.0.2\nnameserver  1.1.1.1\n")).toEqual([
      "10.0.0.2",
      "1.1.1.1",
    ]);
  });
});

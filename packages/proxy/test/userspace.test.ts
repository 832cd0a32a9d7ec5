import { createSocket } from "node:dgram";
import { connect, createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServicePort } from "../src/service-map.js";
import { RoundRobin } from "../src/userspace/load-balancer.js";
import { UserspaceProxier } from "../src/userspace/userspace-proxier.js";

/** A backend that writes its name and closes. */
function backend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => s.end(name));
  return new Promise((r) =>
    server.listen(0, "127.0.0.1", () => r({ server, port: (server.address() as { port: number }).port })),
  );
}

function fetchName(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1");
    let out = "";
    s.on("data", (d) => {
      out += d.toString();
    });
    s.on("end", () => resolve(out));
    s.on("error", reject);
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe("RoundRobin", () => {
  it("rotates, and keeps a client on its endpoint under ClientIP affinity until it idles out", () => {
    let now = 0;
    const lb = new RoundRobin(() => now);
    const eps = [1, 2, 3].map((i) => ({ ip: `10.0.0.${i}`, port: 80 }));
    lb.update(eps, 0);
    expect([1, 2, 3, 4].map(() => lb.pick("1.1.1.1")?.ip)).toEqual([
      "10.0.0.1",
      "10.0.0.2",
      "10.0.0.3",
      "10.0.0.1",
    ]);
    lb.update(eps, 10);
    const first = lb.pick("1.1.1.1");
    expect(lb.pick("1.1.1.1")).toEqual(first);
    expect(lb.pick("2.2.2.2")).not.toEqual(first);
    now += 11_000;
    expect(lb.pick("1.1.1.1")).not.toEqual(first);
    lb.update([], 10);
    expect(lb.pick("1.1.1.1")).toBeUndefined();
  });
});

describe("UserspaceProxier", () => {
  const backends: { server: Server; port: number }[] = [];
  const proxier = new UserspaceProxier({ iptables: undefined });
  let nodePort: number;
  let svc: ServicePort;

  beforeAll(async () => {
    for (const name of ["a", "b", "c"]) backends.push(await backend(name));
    nodePort = await freePort();
    svc = {
      key: "default/web",
      namespace: "default",
      service: "web",
      portName: "",
      protocol: "TCP",
      clusterIP: "10.96.0.20",
      port: 80,
      nodePort,
      externalIPs: [],
      affinitySeconds: 0,
      endpoints: backends.map((b) => ({ ip: "127.0.0.1", port: b.port })),
    };
    await proxier.sync({ map: new Map([[svc.key, svc]]), changed: new Set([svc.key]) });
  });
  afterAll(async () => {
    await proxier.stop();
    for (const b of backends) await new Promise<void>((r) => b.server.close(() => r()));
  });

  it("spreads 300 connections evenly over 3 endpoints through the NodePort", async () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 300; i++) {
      const name = await fetchName(nodePort);
      counts[name] = (counts[name] ?? 0) + 1;
    }
    expect(counts).toEqual({ a: 100, b: 100, c: 100 });
  });

  it("keeps one client on one endpoint with ClientIP affinity, through the portal port", async () => {
    const sticky = { ...svc, affinitySeconds: 60 };
    await proxier.sync({ map: new Map([[svc.key, sticky]]), changed: new Set([svc.key]) });
    const portal = proxier.portalPort(svc.key) as number;
    const names = new Set<string>();
    for (let i = 0; i < 20; i++) names.add(await fetchName(portal));
    expect(names.size).toBe(1);
  });

  it("skips an endpoint that refuses and closes listeners of removed services", async () => {
    const dead = await freePort();
    const withDead = {
      ...svc,
      endpoints: [{ ip: "127.0.0.1", port: dead }, svc.endpoints[0] as ServicePort["endpoints"][0]],
    };
    await proxier.sync({ map: new Map([[svc.key, withDead]]), changed: new Set([svc.key]) });
    for (let i = 0; i < 4; i++) expect(await fetchName(nodePort)).toBe("a");
    await proxier.sync({ map: new Map(), changed: new Set([svc.key]) });
    await expect(fetchName(nodePort)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("proxies UDP", async () => {
    const echo = createSocket("udp4");
    echo.on("message", (m, from) =>
      echo.send(Buffer.concat([Buffer.from("echo:"), m]), from.port, from.address),
    );
    await new Promise<void>((r) => echo.bind(0, "127.0.0.1", () => r()));
    const udp: ServicePort = {
      ...svc,
      key: "default/dns:dns",
      protocol: "UDP",
      nodePort: 0,
      endpoints: [{ ip: "127.0.0.1", port: echo.address().port }],
    };
    await proxier.sync({ map: new Map([[udp.key, udp]]), changed: new Set([udp.key]) });
    const client = createSocket("udp4");
    const reply = await new Promise<string>((resolve) => {
      client.on("message", (m) => resolve(m.toString()));
      client.send("hi", proxier.portalPort(udp.key) as number, "127.0.0.1");
    });
    expect(reply).toBe("echo:hi");
    client.close();
    echo.close();
  });
});

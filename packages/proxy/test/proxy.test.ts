import { createSocket } from "node:dgram";
import type { Endpoints, Node, Service } from "@minik8s/api";
import { Client } from "@minik8s/client";
import * as dnsPacket from "dns-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestApiServer } from "../../../test/support/apiserver.js";
import { type RunningProxy, startProxy } from "../src/proxy.js";
import { RecordingIptables } from "./support.js";

async function eventually<T>(what: string, fn: () => Promise<T> | T, tries = 100): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      return await fn();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${what}: ${(last as Error)?.message}`);
}

function resolveA(host: string, port: number, name: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    const t = setTimeout(() => {
      s.close();
      reject(new Error(`no answer from ${host}:${port}`));
    }, 500);
    s.on("error", (err) => {
      clearTimeout(t);
      s.close();
      reject(err);
    });
    s.on("message", (m) => {
      clearTimeout(t);
      s.close();
      resolve((dnsPacket.decode(m).answers ?? []).map((a) => String((a as { data: unknown }).data)));
    });
    s.send(dnsPacket.encode({ type: "query", id: 7, questions: [{ name, type: "A" }] }), port, host);
  });
}

// The whole proxy against a real apiserver, with a recording iptables: informers, change
// tracking, the sync runner and the DNS server's placement on the node's pod gateway.
describe("startProxy", () => {
  let api: TestApiServer;
  let client: Client;
  let proxy: RunningProxy;
  const ipt = new RecordingIptables();
  const dnsPort = 20_000 + (process.pid % 20_000);
  let svc: Service;

  beforeAll(async () => {
    api = await TestApiServer.start();
    client = new Client({ server: api.url });
    await client.request({
      method: "POST",
      path: "/api/v1/nodes",
      body: { apiVersion: "v1", kind: "Node", metadata: { name: "n1" } } satisfies Node,
    });
    svc = (await client.request({
      method: "POST",
      path: "/api/v1/namespaces/default/services",
      body: { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { ports: [{ port: 80 }] } },
    })) as Service;
    await client.request({
      method: "POST",
      path: "/api/v1/namespaces/default/endpoints",
      body: {
        apiVersion: "v1",
        kind: "Endpoints",
        metadata: { name: "web" },
        subsets: [{ addresses: [{ ip: "10.244.0.5" }], ports: [{ port: 8080 }] }],
      } satisfies Endpoints,
    });
    proxy = await startProxy({
      client,
      nodeName: "n1",
      iptables: ipt,
      minSyncPeriodMs: 10,
      dns: { port: dnsPort, upstreams: [] },
    });
    await proxy.ready();
  });
  afterAll(async () => {
    await proxy?.stop();
    client?.close();
    await api?.close();
  });

  it("programs the service's endpoints and follows an Endpoints update", async () => {
    expect(proxy.mode).toBe("iptables");
    expect(ipt.restores.join("\n")).toContain("--to-destination 10.244.0.5:8080");
    const path = "/api/v1/namespaces/default/endpoints/web";
    const cur = (await client.request({ method: "GET", path })) as Endpoints;
    await client.request({
      method: "PUT",
      path,
      body: { ...cur, subsets: [{ addresses: [{ ip: "10.244.0.6" }], ports: [{ port: 8080 }] }] },
    });
    await eventually("the new endpoint in a restore", () => {
      expect(ipt.restores.at(-1)).toContain("--to-destination 10.244.0.6:8080");
    });
  });

  it("serves DNS on 127.0.0.1 without a podCIDR, then on the pod gateway once the node has one", async () => {
    await eventually("DNS on 127.0.0.1", async () => {
      expect(await resolveA("127.0.0.1", dnsPort, "web.default.svc.cluster.local")).toEqual([
        svc.spec.clusterIP,
      ]);
    });
    // 127.0.1.0/24's gateway, 127.0.1.1, is on loopback, so the test can bind it without a bridge.
    await client.request({
      method: "PATCH",
      path: "/api/v1/nodes/n1",
      contentType: "application/merge-patch+json",
      body: { spec: { podCIDR: "127.0.1.0/24" } },
    });
    await eventually("DNS on the gateway", async () => {
      expect(proxy.dnsAddress()).toBe(`127.0.1.1:${dnsPort}`);
      expect(await resolveA("127.0.1.1", dnsPort, "web.default.svc.cluster.local")).toEqual([
        svc.spec.clusterIP,
      ]);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectStatus, service, TestServer } from "./helpers.js";

/**
 * ClusterIPs and NodePorts, from ranges small enough to fill: 10.0.0.0/29 has six usable
 * addresses (.1 is the `kubernetes` Service's), and three node ports.
 */
let api: TestServer;

beforeAll(async () => {
  api = await TestServer.start({ serviceClusterIpRange: "10.0.0.0/29", nodePortRange: [30000, 30002] });
});

afterAll(async () => {
  await api?.close();
});

const SERVICES = "/api/v1/namespaces/default/services";

async function allClusterIps(): Promise<string[]> {
  const list = await api.get("/api/v1/services");
  return list.body.items
    .map((s: { spec: { clusterIP?: string } }) => s.spec.clusterIP)
    .filter((ip: string | undefined) => ip && ip !== "None");
}

describe("ClusterIP allocation", () => {
  it("gives the kubernetes Service the first address of the range", async () => {
    const reply = await api.get(`${SERVICES}/kubernetes`);
    expect(reply.status).toBe(200);
    expect(reply.body.spec.clusterIP).toBe("10.0.0.1");
    expect(reply.body.spec.ports[0]).toMatchObject({ name: "https", port: 443 });
  });

  it("gives each Service its own address from the range", async () => {
    const a = await api.create(SERVICES, service("ip-a"));
    const b = await api.create(SERVICES, service("ip-b"));
    for (const svc of [a, b]) {
      expect(svc.spec.clusterIP).toMatch(/^10\.0\.0\.[2-6]$/);
      expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
    }
    const ips = await allClusterIps();
    expect(new Set(ips).size).toBe(ips.length);
  });

  it("honours an explicit free address and refuses a taken or out-of-range one with 422", async () => {
    const taken = (await api.get(`${SERVICES}/ip-a`)).body.spec.clusterIP;
    const used = await allClusterIps();
    const pick = ["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"].find(
      (ip) => !used.includes(ip),
    );
    expect(pick).toBeDefined();
    const explicit = await api.create(SERVICES, service("ip-explicit", { clusterIP: pick }));
    expect(explicit.spec.clusterIP).toBe(pick);

    const conflict = expectStatus(
      await api.post(SERVICES, service("ip-dup", { clusterIP: taken })),
      422,
      "Invalid",
    );
    expect(conflict.details.causes[0].field).toBe("spec.clusterIP");
    expect(conflict.message).toContain("already allocated");

    const outside = expectStatus(
      await api.post(SERVICES, service("ip-out", { clusterIP: "192.168.1.1" })),
      422,
      "Invalid",
    );
    expect(outside.details.causes[0].field).toBe("spec.clusterIP");
    expectStatus(await api.get(`${SERVICES}/ip-dup`), 404);
  });

  it("leaves a headless Service without an address", async () => {
    const headless = await api.create(SERVICES, service("ip-headless", { clusterIP: "None" }));
    expect(headless.spec.clusterIP).toBe("None");
  });

  it("keeps the address on update and refuses to change it", async () => {
    const svc = (await api.get(`${SERVICES}/ip-a`)).body;
    const { clusterIP: _ip, clusterIPs: _ips, ...spec } = svc.spec;
    const kept = await api.put(`${SERVICES}/ip-a`, { ...svc, spec: { ...spec, ports: [{ port: 8080 }] } });
    expect(kept.status, kept.text).toBe(200);
    expect(kept.body.spec.clusterIP).toBe(svc.spec.clusterIP);

    const moved = await api.put(`${SERVICES}/ip-a`, {
      ...kept.body,
      spec: { ...kept.body.spec, clusterIP: "10.0.0.6" },
    });
    const status = expectStatus(moved, 422, "Invalid");
    expect(status.details.causes[0].field).toBe("spec.clusterIP");
  });

  it("frees the address on delete, and never hands out one in use, also after a restart", async () => {
    // Fill the range, free one address, and take it again.
    const extra: string[] = [];
    for (let i = 0; (await allClusterIps()).length < 6; i++) {
      extra.push((await api.create(SERVICES, service(`fill-${i}`))).metadata.name);
    }
    const full = await api.post(SERVICES, service("one-too-many"));
    expect(full.status).toBeGreaterThanOrEqual(400);
    expectStatus(full, full.status);

    const victim = (await api.get(`${SERVICES}/ip-b`)).body.spec.clusterIP;
    expect((await api.delete(`${SERVICES}/ip-b`)).status).toBe(200);
    const again = await api.create(SERVICES, service("ip-again"));
    expect(again.spec.clusterIP).toBe(victim);

    await api.restart();
    expect((await api.delete(`${SERVICES}/ip-again`)).status).toBe(200);
    const afterRestart = await api.create(SERVICES, service("ip-restart"));
    expect(afterRestart.spec.clusterIP).toBe(victim);
    const ips = await allClusterIps();
    expect(new Set(ips).size).toBe(ips.length);
    for (const name of [...extra, "ip-restart", "ip-explicit", "ip-headless"])
      await api.delete(`${SERVICES}/${name}`);
  });
});

describe("NodePort allocation", () => {
  it("gives each port of a NodePort Service a node port in range, no two alike", async () => {
    const a = await api.create(SERVICES, service("np-a", { type: "NodePort" }));
    const b = await api.create(
      SERVICES,
      service("np-b", {
        type: "NodePort",
        ports: [
          { name: "http", port: 80 },
          { name: "https", port: 443 },
        ],
      }),
    );
    const ports = [a.spec.ports[0].nodePort, ...b.spec.ports.map((p: { nodePort: number }) => p.nodePort)];
    for (const port of ports) expect(port).toBeGreaterThanOrEqual(30000);
    for (const port of ports) expect(port).toBeLessThanOrEqual(30002);
    expect(new Set(ports).size).toBe(3);
  });

  it("refuses a port in use or out of range with 422 naming the port's field", async () => {
    const taken = (await api.get(`${SERVICES}/np-a`)).body.spec.ports[0].nodePort;
    const dup = expectStatus(
      await api.post(
        SERVICES,
        service("np-dup", { type: "NodePort", ports: [{ port: 80, nodePort: taken }] }),
      ),
      422,
      "Invalid",
    );
    expect(dup.details.causes[0].field).toBe("spec.ports[0].nodePort");
    const out = expectStatus(
      await api.post(
        SERVICES,
        service("np-out", { type: "NodePort", ports: [{ port: 80, nodePort: 31999 }] }),
      ),
      422,
      "Invalid",
    );
    expect(out.details.causes[0].field).toBe("spec.ports[0].nodePort");
  });

  it("releases node ports on delete so they can be allocated again", async () => {
    const freed = (await api.get(`${SERVICES}/np-a`)).body.spec.ports[0].nodePort;
    expect((await api.delete(`${SERVICES}/np-a`)).status).toBe(200);
    // Every other port of the range is taken, so the next allocation must reuse the freed one.
    const again = await api.create(SERVICES, service("np-again", { type: "NodePort" }));
    expect(again.spec.ports[0].nodePort).toBe(freed);
    // And the failed creates above claimed nothing for good.
    expect((await api.delete(`${SERVICES}/np-again`)).status).toBe(200);
    const explicit = await api.create(
      SERVICES,
      service("np-explicit", { type: "NodePort", ports: [{ port: 80, nodePort: freed }] }),
    );
    expect(explicit.spec.ports[0].nodePort).toBe(freed);
  });

  it("releases node ports when a Service stops being a NodePort", async () => {
    const svc = (await api.get(`${SERVICES}/np-explicit`)).body;
    const port = svc.spec.ports[0].nodePort;
    const changed = await api.put(`${SERVICES}/np-explicit`, {
      ...svc,
      spec: { ...svc.spec, type: "ClusterIP", ports: [{ port: 80 }] },
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.spec.ports[0].nodePort).toBeUndefined();
    const reuse = await api.create(
      SERVICES,
      service("np-reuse", { type: "NodePort", ports: [{ port: 80, nodePort: port }] }),
    );
    expect(reuse.spec.ports[0].nodePort).toBe(port);
  });
});

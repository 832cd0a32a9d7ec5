import type { Endpoints, Service } from "@minik8s/api";
import { describe, expect, it } from "vitest";
import { BoundedFrequencyRunner } from "../src/bounded-frequency-runner.js";
import { ChangeTracker } from "../src/change-tracker.js";

describe("ChangeTracker", () => {
  it("recomputes only touched services and reports the ports that moved", () => {
    const svcs = new Map<string, Service>();
    const eps = new Map<string, Endpoints>();
    const t = new ChangeTracker({
      service: (ns, n) => svcs.get(`${ns}/${n}`),
      endpoints: (ns, n) => eps.get(`${ns}/${n}`),
    });
    svcs.set("default/web", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: "default" },
      spec: {
        type: "NodePort",
        clusterIP: "10.96.0.5",
        ports: [
          { name: "http", port: 80, nodePort: 30080 },
          { name: "dns", port: 53, protocol: "UDP" },
        ],
      },
    });
    svcs.set("default/headless", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "headless", namespace: "default" },
      spec: { clusterIP: "None", ports: [{ port: 80 }] },
    });
    t.touch("default", "web");
    t.touch("default", "headless");
    let c = t.apply();
    expect([...c.changed].sort()).toEqual(["default/web:dns", "default/web:http"]);
    expect(c.map.get("default/web:http")).toMatchObject({ nodePort: 30080, endpoints: [] });

    eps.set("default/web", {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name: "web", namespace: "default" },
      subsets: [
        {
          addresses: [{ ip: "10.244.0.3" }, { ip: "10.244.0.2" }],
          notReadyAddresses: [{ ip: "10.244.0.9" }],
          ports: [{ name: "http", port: 8080 }],
        },
      ],
    });
    t.touch("default", "web");
    c = t.apply();
    expect([...c.changed]).toEqual(["default/web:http"]);
    expect(c.map.get("default/web:http")?.endpoints).toEqual([
      { ip: "10.244.0.2", port: 8080 },
      { ip: "10.244.0.3", port: 8080 },
    ]);
    svcs.delete("default/web");
    t.touch("default", "web");
    c = t.apply();
    expect(c.changed.size).toBe(2);
    expect(c.map.size).toBe(0);
  });
});

describe("BoundedFrequencyRunner", () => {
  it("folds requests made while a run is going into one more run", async () => {
    let runs = 0;
    let release: () => void = () => {};
    const r = new BoundedFrequencyRunner(
      async () => {
        runs++;
        if (runs === 1)
          await new Promise<void>((res) => {
            release = res;
          });
      },
      { minIntervalMs: 10, maxIntervalMs: 0, burst: 2 },
    );
    r.start();
    r.run();
    await new Promise((res) => setTimeout(res, 20));
    for (let i = 0; i < 10; i++) r.run();
    release();
    for (let i = 0; i < 50 && runs < 2; i++) await new Promise((res) => setTimeout(res, 10));
    await new Promise((res) => setTimeout(res, 50));
    expect(runs).toBe(2);
    await r.stop();
  });
});

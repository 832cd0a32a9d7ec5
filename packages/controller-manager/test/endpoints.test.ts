import { kindForApiVersion } from "@minik8s/api/registry";
import type { Endpoints, Pod, Service } from "@minik8s/api/schemas/core";
import { isNotFound } from "@minik8s/api/status-error";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestCluster, waitFor } from "./support/cluster.js";

const PODS = kindForApiVersion("v1", "Pod")!;
const SERVICES = kindForApiVersion("v1", "Service")!;
const ENDPOINTS = kindForApiVersion("v1", "Endpoints")!;
const NS = "ep-test";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start({ manager: { controllers: ["endpoints"] } });
  await cluster.client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
});

afterAll(async () => {
  await cluster?.stop();
});

function pod(name: string, labels: Record<string, string>, image = "web:1", portName = "http"): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: NS, labels },
    spec: {
      containers: [{ name: "app", image, ports: [{ name: portName, containerPort: 8080 }] }],
      terminationGracePeriodSeconds: 0,
    },
  } as Pod;
}

function service(
  name: string,
  selector: Record<string, string> | undefined,
  targetPort: number | string = 8080,
): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: NS, labels: { tier: "front" } },
    spec: { ...(selector ? { selector } : {}), ports: [{ name: "web", port: 80, targetPort }] },
  };
}

async function endpoints(name: string): Promise<Endpoints | undefined> {
  try {
    return await cluster.client.get<Endpoints>(ENDPOINTS, NS, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const ips = (ep: Endpoints | undefined, which: "addresses" | "notReadyAddresses") =>
  (ep?.subsets ?? [])
    .flatMap((s) => s[which] ?? [])
    .map((a) => a.targetRef?.name)
    .sort();

describe("endpoints controller", () => {
  it("lists the ready pods a service selects, with their IPs, nodes and the resolved port", async () => {
    await cluster.client.create(service("web", { app: "web" }, "http"));
    await cluster.client.create(pod("web-1", { app: "web" }));
    await cluster.client.create(pod("web-2", { app: "web" }));
    await cluster.client.create(pod("other", { app: "other" }));
    const ep = await waitFor("two ready addresses", async () => {
      const e = await endpoints("web");
      return ips(e, "addresses").length === 2 ? e : undefined;
    });
    expect(ips(ep, "addresses")).toEqual(["web-1", "web-2"]);
    expect(ep.metadata.labels).toEqual({ tier: "front" });
    expect(ep.subsets?.[0]?.ports).toEqual([{ name: "web", port: 8080, protocol: "TCP" }]);
    const p1 = await cluster.client.get<Pod>(PODS, NS, "web-1");
    const a1 = ep.subsets?.[0]?.addresses?.find((a) => a.targetRef?.name === "web-1");
    expect(a1).toEqual({
      ip: p1.status?.podIP,
      nodeName: p1.spec.nodeName,
      targetRef: { kind: "Pod", namespace: NS, name: "web-1", uid: p1.metadata.uid },
    });
  });

  it("follows readiness: an unready pod is in notReadyAddresses until it is ready", async () => {
    cluster.failPulls("slow:1");
    await cluster.client.create(pod("web-3", { app: "web" }, "slow:1"));
    await waitFor("web-3 not ready", async () => {
      const e = await endpoints("web");
      return ips(e, "notReadyAddresses").includes("web-3") ? e : undefined;
    });
    cluster.allowPulls("slow:1");
    const ep = await waitFor(
      "web-3 ready",
      async () => {
        const e = await endpoints("web");
        return ips(e, "addresses").includes("web-3") ? e : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(ips(ep, "notReadyAddresses")).toEqual([]);
  });

  it("drops a pod whose labels stop matching or that is deleted", async () => {
    await cluster.client.patch(PODS, NS, "web-2", "application/merge-patch+json", {
      metadata: { labels: { app: "moved" } },
    });
    await cluster.client.delete(PODS, NS, "web-3");
    const ep = await waitFor("only web-1 left", async () => {
      const e = await endpoints("web");
      const all = [...ips(e, "addresses"), ...ips(e, "notReadyAddresses")];
      return all.length === 1 ? e : undefined;
    });
    expect(ips(ep, "addresses")).toEqual(["web-1"]);
  });

  it("leaves pods without the named port out", async () => {
    await cluster.client.create(pod("web-4", { app: "web" }, "web:1", "metrics"));
    await new Promise((r) => setTimeout(r, 500));
    const ep = await endpoints("web");
    expect(ips(ep, "addresses")).toEqual(["web-1"]);
  });

  it("writes back endpoints someone deleted, and leaves services without a selector alone", async () => {
    await cluster.client.delete(ENDPOINTS, NS, "web");
    await waitFor("endpoints recreated", async () => ips(await endpoints("web"), "addresses").length === 1);

    await cluster.client.create(service("manual", undefined));
    const mine: Endpoints = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name: "manual", namespace: NS },
      subsets: [{ addresses: [{ ip: "192.0.2.50" }], ports: [{ name: "web", port: 8080 }] }],
    };
    await cluster.client.create(mine);
    await new Promise((r) => setTimeout(r, 500));
    expect((await endpoints("manual"))?.subsets?.[0]?.addresses).toEqual([{ ip: "192.0.2.50" }]);
  });

  it("deletes the endpoints with the service, also while the controller was down", async () => {
    await cluster.client.delete(SERVICES, NS, "web");
    await waitFor("endpoints gone", async () => (await endpoints("web")) === undefined);

    await cluster.client.create(service("later", { app: "web" }));
    await waitFor("endpoints of later", async () => (await endpoints("later")) !== undefined);
    await cluster.stopManager();
    await cluster.client.delete(SERVICES, NS, "later");
    await cluster.restartManager();
    await waitFor("leftover endpoints gone", async () => (await endpoints("later")) === undefined);
  });
});

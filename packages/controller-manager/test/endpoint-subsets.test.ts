import type { Pod, Service } from "@minik8s/api/schemas/core";
import { describe, expect, it } from "vitest";
import { endpointSubsets } from "../src/controllers/endpoints/endpoint-subsets.js";

function service(spec: Partial<Service["spec"]> = {}): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "default" },
    spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080, protocol: "TCP" }], ...spec },
  };
}

function pod(
  name: string,
  ip: string | undefined,
  opts: {
    ready?: boolean;
    ports?: { name: string; containerPort: number }[];
    deleting?: boolean;
    phase?: string;
  } = {},
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "default",
      uid: `uid-${name}`,
      labels: { app: "web" },
      ...(opts.deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
    },
    spec: { nodeName: "node-1", containers: [{ name: "app", image: "web:1", ports: opts.ports }] },
    status: {
      phase: opts.phase ?? "Running",
      ...(ip ? { podIP: ip } : {}),
      conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }],
    },
  } as Pod;
}

const ref = (name: string) => ({ kind: "Pod", namespace: "default", name, uid: `uid-${name}` });

describe("endpointSubsets", () => {
  it("puts ready pods in addresses and unready ones in notReadyAddresses", () => {
    const subsets = endpointSubsets(service(), [
      pod("b", "10.244.0.10"),
      pod("a", "10.244.0.9"),
      pod("c", "10.244.1.2", { ready: false }),
    ]);
    expect(subsets).toEqual([
      {
        addresses: [
          { ip: "10.244.0.9", nodeName: "node-1", targetRef: ref("a") },
          { ip: "10.244.0.10", nodeName: "node-1", targetRef: ref("b") },
        ],
        notReadyAddresses: [{ ip: "10.244.1.2", nodeName: "node-1", targetRef: ref("c") }],
        ports: [{ port: 8080, protocol: "TCP" }],
      },
    ]);
  });

  it("leaves out pods without an IP, terminating pods and finished pods", () => {
    const subsets = endpointSubsets(service(), [
      pod("noip", undefined),
      pod("bye", "10.244.0.3", { deleting: true }),
      pod("done", "10.244.0.4", { phase: "Succeeded" }),
      pod("ok", "10.244.0.5"),
    ]);
    expect(subsets.flatMap((s) => s.addresses ?? []).map((a) => a.ip)).toEqual(["10.244.0.5"]);
    expect(subsets.flatMap((s) => s.notReadyAddresses ?? [])).toEqual([]);
  });

  it("counts every pod as ready with publishNotReadyAddresses, terminating ones included", () => {
    const subsets = endpointSubsets(service({ publishNotReadyAddresses: true }), [
      pod("a", "10.244.0.2", { ready: false }),
      pod("b", "10.244.0.3", { deleting: true }),
    ]);
    expect(subsets).toHaveLength(1);
    expect(subsets[0]?.addresses?.map((a) => a.ip)).toEqual(["10.244.0.2", "10.244.0.3"]);
    expect(subsets[0]?.notReadyAddresses).toBeUndefined();
  });

  it("resolves a named targetPort per pod, grouping pods by the ports they serve", () => {
    const svc = service({
      ports: [
        { name: "http", port: 80, targetPort: "web", protocol: "TCP" },
        { name: "metrics", port: 9090, targetPort: 9090, protocol: "TCP" },
      ],
    });
    const subsets = endpointSubsets(svc, [
      pod("a", "10.244.0.2", { ports: [{ name: "web", containerPort: 8080 }] }),
      pod("b", "10.244.0.3", { ports: [{ name: "web", containerPort: 8081 }] }),
      pod("c", "10.244.0.4", { ports: [] }),
    ]);
    expect(subsets).toEqual([
      {
        addresses: [{ ip: "10.244.0.2", nodeName: "node-1", targetRef: ref("a") }],
        ports: [
          { name: "http", port: 8080, protocol: "TCP" },
          { name: "metrics", port: 9090, protocol: "TCP" },
        ],
      },
      {
        addresses: [{ ip: "10.244.0.3", nodeName: "node-1", targetRef: ref("b") }],
        ports: [
          { name: "http", port: 8081, protocol: "TCP" },
          { name: "metrics", port: 9090, protocol: "TCP" },
        ],
      },
      {
        addresses: [{ ip: "10.244.0.4", nodeName: "node-1", targetRef: ref("c") }],
        ports: [{ name: "metrics", port: 9090, protocol: "TCP" }],
      },
    ]);
  });

  it("leaves out a pod that serves none of the ports", () => {
    const svc = service({ ports: [{ port: 80, targetPort: "web", protocol: "TCP" }] });
    expect(endpointSubsets(svc, [pod("a", "10.244.0.2")])).toEqual([]);
  });

  it("targets the service port itself when targetPort is unset, and a headless service without ports gets addresses only", () => {
    expect(endpointSubsets(service({ ports: [{ port: 80 }] }), [pod("a", "10.244.0.2")])[0]?.ports).toEqual([
      { port: 80, protocol: "TCP" },
    ]);
    const headless = endpointSubsets(service({ clusterIP: "None", ports: [] }), [pod("a", "10.244.0.2")]);
    expect(headless).toEqual([
      { addresses: [{ ip: "10.244.0.2", nodeName: "node-1", targetRef: ref("a") }] },
    ]);
  });
});

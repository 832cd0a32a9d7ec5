import { describe, expect, it } from "vitest";
import { podRequests } from "../../src/framework/pod-requests.js";
import { pod } from "./fixtures.js";

const c = (name: string, requests: Record<string, string>, restartPolicy?: "Always") => ({
  name,
  image: "busybox",
  resources: { requests },
  ...(restartPolicy ? { restartPolicy } : {}),
});

describe("podRequests", () => {
  it("sums app containers in scheduler units (millicores, bytes)", () => {
    const p = pod("p", {
      containers: [c("a", { cpu: "250m", memory: "64Mi" }), c("b", { cpu: "1", memory: "1Gi" })],
    });
    expect(podRequests(p)).toEqual({ cpu: 1250n, memory: 64n * 1024n ** 2n + 1024n ** 3n });
  });

  it("takes the larger of the biggest init container and the app containers' sum, per resource", () => {
    const p = pod("p", {
      containers: [c("a", { cpu: "200m", memory: "100Mi" }), c("b", { cpu: "300m", memory: "100Mi" })],
      initContainers: [c("i1", { cpu: "2", memory: "10Mi" }), c("i2", { cpu: "100m", memory: "150Mi" })],
    });
    // cpu: max(2000, 500); memory: max(150Mi, 200Mi)
    expect(podRequests(p)).toEqual({ cpu: 2000n, memory: 200n * 1024n ** 2n });
  });

  it("runs sidecars beside the app and beside later init containers", () => {
    const p = pod("p", {
      containers: [c("app", { cpu: "500m" })],
      initContainers: [c("sidecar", { cpu: "300m" }, "Always"), c("setup", { cpu: "1" })],
    });
    // app + sidecar = 800m; setup runs beside the sidecar = 1300m
    expect(podRequests(p).cpu).toBe(1300n);
  });

  it("adds the overhead and counts extended resources as integers", () => {
    const p = pod("p", { cpu: "100m", gpu: "2", overhead: { cpu: "50m", memory: "10Mi" } });
    expect(podRequests(p)).toEqual({ cpu: 150n, "nvidia.com/gpu": 2n, memory: 10n * 1024n ** 2n });
  });

  it("fills only missing cpu/memory with the non-zero defaults, for scoring", () => {
    const p = pod("p", { containers: [c("a", { cpu: "0" }), { name: "b", image: "x" }] });
    expect(podRequests(p)).toEqual({ cpu: 0n });
    expect(podRequests(p, { nonZero: true })).toEqual({ cpu: 100n, memory: 2n * 200n * 1024n ** 2n });
  });
});

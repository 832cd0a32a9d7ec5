import type { Pod } from "@minik8s/api/schemas/core";
import { describe, expect, it } from "vitest";
import {
  countHealthy,
  DISRUPTED_POD_TIMEOUT_MS,
  desiredHealthy,
  disruptionAllowedCondition,
  disruptionsAllowed,
  needsControllerScale,
  pruneDisruptedPods,
  scaledValue,
} from "../src/controllers/disruption/budget.js";

function pod(name: string, opts: { ready?: boolean; deleting?: boolean } = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "default",
      ...(opts.deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
    },
    spec: { containers: [{ name: "c", image: "i" }] },
    status: { conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }] },
  } as Pod;
}
const ready = (p: Pod) =>
  p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

describe("PDB math", () => {
  it("scales percentages up or down as intstr does", () => {
    expect(scaledValue("50%", 5, true)).toBe(3);
    expect(scaledValue("50%", 5, false)).toBe(2);
    expect(scaledValue(4, 10, true)).toBe(4);
    expect(scaledValue("x%", 5, true)).toBeInstanceOf(Error);
  });

  it("needs the controllers' scale only for percentages and maxUnavailable", () => {
    expect(needsControllerScale({ minAvailable: 2 })).toBe(false);
    expect(needsControllerScale({ minAvailable: "50%" })).toBe(true);
    expect(needsControllerScale({ maxUnavailable: 1 })).toBe(true);
  });

  it("minAvailable as a count expects the pods that exist", () => {
    expect(desiredHealthy({ minAvailable: 2 }, 3, undefined)).toEqual({ expectedPods: 3, desiredHealthy: 2 });
  });

  it("minAvailable as a percentage rounds up against the controllers' replicas", () => {
    expect(desiredHealthy({ minAvailable: "50%" }, 2, 5)).toEqual({ expectedPods: 5, desiredHealthy: 3 });
    expect(desiredHealthy({ minAvailable: "50%" }, 2, undefined)).toBeInstanceOf(Error);
  });

  it("maxUnavailable is taken from the controllers' replicas, rounded up, never below zero", () => {
    expect(desiredHealthy({ maxUnavailable: 1 }, 3, 3)).toEqual({ expectedPods: 3, desiredHealthy: 2 });
    expect(desiredHealthy({ maxUnavailable: "30%" }, 3, 3)).toEqual({ expectedPods: 3, desiredHealthy: 2 });
    expect(desiredHealthy({ maxUnavailable: 5 }, 3, 3)).toEqual({ expectedPods: 3, desiredHealthy: 0 });
  });

  it("neither bound set keeps nobody", () => {
    expect(desiredHealthy({}, 4, undefined)).toEqual({ expectedPods: 4, desiredHealthy: 0 });
  });

  it("counts Ready pods that are neither going nor already evicted", () => {
    const pods = [pod("a"), pod("b", { ready: false }), pod("c", { deleting: true }), pod("d")];
    expect(countHealthy(pods, {}, ready)).toBe(2);
    expect(countHealthy(pods, { d: "2026-01-01T00:00:00Z" }, ready)).toBe(1);
  });

  it("allows the healthy surplus, and nothing when no pod is expected", () => {
    expect(disruptionsAllowed(3, { expectedPods: 3, desiredHealthy: 2 })).toBe(1);
    expect(disruptionsAllowed(1, { expectedPods: 3, desiredHealthy: 2 })).toBe(0);
    expect(disruptionsAllowed(2, { expectedPods: 0, desiredHealthy: 0 })).toBe(0);
  });

  it("forgets evictions whose pods are gone or going, and those past the timeout", () => {
    const now = Date.parse("2026-01-01T00:10:00Z");
    const recent = "2026-01-01T00:09:30Z";
    const old = new Date(now - DISRUPTED_POD_TIMEOUT_MS - 1000).toISOString().replace(/\.\d+Z$/, "Z");
    const pods = [pod("kept"), pod("going", { deleting: true }), pod("stale")];
    const { kept, recheckAtMs } = pruneDisruptedPods(
      { kept: recent, going: recent, gone: recent, stale: old },
      pods,
      now,
    );
    expect(kept).toEqual({ kept: recent });
    expect(recheckAtMs).toBe(Date.parse(recent) + DISRUPTED_POD_TIMEOUT_MS);
    expect(pruneDisruptedPods(undefined, pods, now)).toEqual({ kept: {} });
  });

  it("words the DisruptionAllowed condition as Kubernetes does", () => {
    expect(disruptionAllowedCondition(1, undefined)).toMatchObject({
      status: "True",
      reason: "SufficientPods",
    });
    expect(disruptionAllowedCondition(0, undefined)).toMatchObject({
      status: "False",
      reason: "InsufficientPods",
    });
    expect(disruptionAllowedCondition(0, "boom")).toMatchObject({
      status: "False",
      reason: "SyncFailed",
      message: "boom",
    });
  });
});

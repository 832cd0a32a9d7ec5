import { describe, expect, it } from "vitest";
import { resolveResource } from "../src/registry.js";
import { validateObject } from "../src/validation/validate.js";

const pdb = (spec: Record<string, unknown>, status?: Record<string, unknown>) => ({
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: { name: "web", namespace: "default" },
  spec,
  ...(status ? { status } : {}),
});

const fields = (obj: Record<string, unknown>) =>
  validateObject(obj).map((e) => `${e.field}: ${e.detail ?? e.type}`);

describe("policy/v1 PodDisruptionBudget", () => {
  it("resolves by its short name", () => {
    expect(resolveResource("pdb")).toMatchObject({
      group: "policy",
      version: "v1",
      plural: "poddisruptionbudgets",
    });
  });

  it("accepts a count, a percentage, or neither", () => {
    expect(validateObject(pdb({ minAvailable: 2, selector: { matchLabels: { app: "web" } } }))).toEqual([]);
    expect(validateObject(pdb({ maxUnavailable: "25%", unhealthyPodEvictionPolicy: "AlwaysAllow" }))).toEqual(
      [],
    );
    expect(validateObject(pdb({}))).toEqual([]);
  });

  it("refuses both bounds, negative counts, bad and oversized percentages, unknown policies", () => {
    expect(fields(pdb({ minAvailable: 1, maxUnavailable: 1 }))).toEqual([
      "spec: minAvailable and maxUnavailable cannot be both set",
    ]);
    expect(fields(pdb({ minAvailable: -1 }))).toEqual([
      "spec.minAvailable: must be greater than or equal to 0",
    ]);
    expect(fields(pdb({ maxUnavailable: "101%" }))).toEqual([
      "spec.maxUnavailable: must not be greater than 100%",
    ]);
    expect(fields(pdb({ maxUnavailable: "ten" }))[0]).toMatch(/^spec.maxUnavailable: a valid percent string/);
    expect(fields(pdb({ unhealthyPodEvictionPolicy: "Never" }))[0]).toMatch(
      /^spec.unhealthyPodEvictionPolicy: /,
    );
  });

  it("refuses negative status counts", () => {
    const status = { disruptionsAllowed: -1, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    expect(fields(pdb({}, status))).toEqual([
      "status.disruptionsAllowed: must be greater than or equal to 0",
    ]);
  });

  it("validates an Eviction's delete options", () => {
    const eviction = (deleteOptions: Record<string, unknown>) => ({
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name: "web-1" },
      deleteOptions,
    });
    expect(validateObject(eviction({ gracePeriodSeconds: 0 }))).toEqual([]);
    expect(fields(eviction({ gracePeriodSeconds: -2 }))).toEqual([
      "deleteOptions.gracePeriodSeconds: must be greater than or equal to 0",
    ]);
  });
});

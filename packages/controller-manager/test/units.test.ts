import type { Deployment, ReplicaSet } from "@minik8s/api/schemas/apps";
import type { Pod } from "@minik8s/api/schemas/core";
import { FakeClock } from "@minik8s/client";
import { describe, expect, it } from "vitest";
import { parseControllerNames } from "../src/controller-manager.js";
import { computeHash, fnv32a, safeEncodeString } from "../src/controllers/deployment/hash.js";
import {
  equalIgnoreHash,
  newRSNewReplicas,
  proportion,
  resolveFenceposts,
  scaledValue,
} from "../src/controllers/deployment/util.js";
import { EXPECTATIONS_TTL_MS, Expectations } from "../src/expectations.js";
import { podsToDelete } from "../src/pod-util.js";
import { slowStartBatch } from "../src/slow-start.js";

describe("maxSurge and maxUnavailable", () => {
  it("rounds surge up and unavailable down, as Kubernetes", () => {
    expect(resolveFenceposts("25%", "25%", 10)).toEqual({ surge: 3, unavailable: 2 });
    expect(resolveFenceposts("25%", "25%", 3)).toEqual({ surge: 1, unavailable: 0 });
    expect(resolveFenceposts(2, "50%", 5)).toEqual({ surge: 2, unavailable: 2 });
    expect(scaledValue("33%", 10, true)).toBe(4);
    expect(scaledValue("33%", 10, false)).toBe(3);
  });

  it("turns 0 and 0 into unavailable 1, or no rollout could ever move", () => {
    expect(resolveFenceposts(0, 0, 4)).toEqual({ surge: 0, unavailable: 1 });
    expect(resolveFenceposts("10%", "10%", 1)).toEqual({ surge: 1, unavailable: 0 });
    expect(resolveFenceposts("0%", "10%", 5)).toEqual({ surge: 0, unavailable: 1 });
  });

  it("refuses a value that is neither an int nor a percentage", () => {
    expect(scaledValue("lots", 10, true)).toBeInstanceOf(Error);
  });
});

function mkPod(
  name: string,
  over: {
    node?: string;
    phase?: string;
    ready?: boolean;
    readySince?: string;
    created?: string;
    restarts?: number;
  } = {},
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", creationTimestamp: over.created ?? "2024-01-01T00:00:00Z" },
    spec: { containers: [{ name: "c", image: "i" }], ...(over.node ? { nodeName: over.node } : {}) },
    status: {
      phase: (over.phase ?? "Running") as "Running",
      conditions: [
        {
          type: "Ready",
          status: over.ready === false ? "False" : "True",
          lastTransitionTime: over.readySince ?? "2024-01-01T00:01:00Z",
        },
      ],
      containerStatuses: [
        { name: "c", image: "i", imageID: "", ready: over.ready !== false, restartCount: over.restarts ?? 0 },
      ],
    },
  };
}

describe("which pods go first on scale-down", () => {
  it("ranks unscheduled, then pending, then not ready, then crowded, then recently ready, restarts, newest", () => {
    const pods = [
      mkPod("old-ready", { node: "a", readySince: "2024-01-01T00:01:00Z" }),
      mkPod("unscheduled", { phase: "Pending", ready: false }),
      mkPod("pending", { node: "b", phase: "Pending", ready: false }),
      mkPod("not-ready", { node: "c", ready: false }),
      mkPod("new-ready", { node: "d", readySince: "2024-01-01T00:05:00Z" }),
      mkPod("restarts", { node: "e", restarts: 3 }),
    ];
    expect(podsToDelete(pods, pods, 6).map((p) => p.metadata.name)).toEqual([
      "unscheduled",
      "pending",
      "not-ready",
      "new-ready",
      "restarts",
      "old-ready",
    ]);
  });

  it("prefers pods on a node crowded with siblings, and newer pods among equals", () => {
    const a1 = mkPod("a1", { node: "a" });
    const a2 = mkPod("a2", { node: "a", created: "2024-01-01T00:00:05Z" });
    const b1 = mkPod("b1", { node: "b" });
    expect(podsToDelete([a1, a2, b1], [a1, a2, b1], 1).map((p) => p.metadata.name)).toEqual(["a2"]);
    expect(podsToDelete([a1, b1], [a1, b1], 0)).toEqual([]);
  });
});

describe("pod-template-hash", () => {
  const template = {
    metadata: { labels: { app: "web" } },
    spec: { containers: [{ name: "app", image: "nginx:1.27" }] },
  };

  it("is FNV-1a, spelled in the safe alphabet", () => {
    expect(fnv32a(new TextEncoder().encode(""))).toBe(0x811c9dc5);
    expect(fnv32a(new TextEncoder().encode("a"))).toBe(0xe40c292c);
    // Each byte picks a letter by its code modulo 27, as Go's rand.SafeEncodeString: '0' (48) is "4".
    expect(safeEncodeString("0123456789")).toBe("456789bcdf");
  });

  it("is stable across key order and copies, and changes with the template or the collision count", () => {
    const reordered = {
      spec: { containers: [{ image: "nginx:1.27", name: "app" }] },
      metadata: { labels: { app: "web" } },
    };
    const h = computeHash(template);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(computeHash(structuredClone(template))).toBe(h);
    expect(computeHash(reordered)).toBe(h);
    expect(
      computeHash({ ...template, spec: { containers: [{ name: "app", image: "nginx:1.28" }] } }),
    ).not.toBe(h);
    expect(computeHash(template, 1)).not.toBe(h);
    expect(computeHash(template, 1)).toBe(computeHash(template, 1));
  });

  it("ignores the hash label when comparing a ReplicaSet's template with its Deployment's", () => {
    const withHash = { ...template, metadata: { labels: { app: "web", "pod-template-hash": "abc" } } };
    expect(equalIgnoreHash(withHash, template)).toBe(true);
    expect(equalIgnoreHash(withHash, { ...template, metadata: { labels: { app: "api" } } })).toBe(false);
  });
});

describe("expectations", () => {
  it("holds a ReplicaSet back until its own creations and deletions are observed", () => {
    const e = new Expectations(new FakeClock());
    expect(e.satisfied("ns/rs")).toBe(true);
    e.expectCreations("ns/rs", 2);
    expect(e.satisfied("ns/rs")).toBe(false);
    e.creationObserved("ns/rs");
    expect(e.satisfied("ns/rs")).toBe(false);
    e.creationObserved("ns/rs");
    expect(e.satisfied("ns/rs")).toBe(true);
    e.expectDeletions("ns/rs", ["ns/p1"]);
    e.deletionObserved("ns/rs", "ns/p1");
    e.deletionObserved("ns/rs", "ns/p1");
    expect(e.satisfied("ns/rs")).toBe(true);
  });

  it("gives up waiting after the timeout, as Kubernetes does", () => {
    const clock = new FakeClock();
    const e = new Expectations(clock);
    e.expectCreations("ns/rs", 1);
    clock.advance(EXPECTATIONS_TTL_MS + 1);
    expect(e.satisfied("ns/rs")).toBe(true);
  });
});

describe("slow start", () => {
  it("creates in batches of 1, 2, 4 ... and stops after the first failing batch", async () => {
    let calls = 0;
    const ok = await slowStartBatch(10, 1, async () => {
      calls++;
    });
    expect(ok).toEqual({ successes: 10, error: undefined });
    calls = 0;
    const failing = await slowStartBatch(100, 1, async () => {
      calls++;
      if (calls > 3) throw new Error("quota");
    });
    // Batches of 1 and 2 succeed; the whole batch of 4 fails, and no batch of 8 is tried.
    expect(calls).toBe(7);
    expect(failing.successes).toBe(3);
    expect(String(failing.error)).toContain("quota");
  });
});

function rs(name: string, replicas: number, maxReplicas?: number): ReplicaSet {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name,
      creationTimestamp: "2024-01-01T00:00:00Z",
      ...(maxReplicas
        ? { annotations: { "deployment.kubernetes.io/max-replicas": String(maxReplicas) } }
        : {}),
    },
    spec: { replicas, selector: {}, template: { spec: { containers: [] } } },
  };
}

function deploy(replicas: number, maxSurge: number | string, maxUnavailable: number | string): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d" },
    spec: {
      replicas,
      selector: {},
      template: { spec: { containers: [] } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge, maxUnavailable } },
    },
  };
}

describe("rolling arithmetic", () => {
  it("grows the new ReplicaSet only within maxSurge", () => {
    const d = deploy(4, 1, 1);
    const old = rs("old", 4);
    const fresh = rs("new", 0);
    expect(newRSNewReplicas(d, [old, fresh], fresh)).toBe(1);
    expect(newRSNewReplicas(d, [rs("old", 3), rs("new", 2)], rs("new", 2))).toBe(2);
    // A scale-down still deleting (status.replicas above spec) counts until its pods are gone.
    const shrinking = { ...rs("old", 2), status: { replicas: 3 } };
    expect(newRSNewReplicas(d, [shrinking, fresh], fresh)).toBe(2);
  });

  it("shares a resize in proportion to the size each ReplicaSet was given", () => {
    const d = deploy(8, 1, 1);
    expect(proportion(rs("old", 3, 5), d, 4, 0)).toBe(2);
    expect(proportion(rs("new", 2, 5), d, 4, 2)).toBe(2);
    expect(proportion(rs("gone", 0, 5), d, 4, 0)).toBe(0);
    expect(proportion(rs("old", 6, 10), deploy(2, 1, 1), -7, 0)).toBe(-4);
  });
});

describe("--controllers", () => {
  it("accepts known names and refuses unknown ones", () => {
    expect(parseControllerNames("replicaset, deployment")).toEqual(["replicaset", "deployment"]);
    const bad = parseControllerNames("replicaset,cronjob");
    expect(bad).toBeInstanceOf(Error);
    expect((bad as Error).message).toContain("cronjob");
  });
});

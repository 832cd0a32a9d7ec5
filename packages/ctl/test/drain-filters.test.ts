import type { Pod } from "@minik8s/api/schemas/core";
import { describe, expect, it } from "vitest";
import { planDrain, planErrors, planWarning } from "../src/drain/pod-filters.js";

function pod(
  name: string,
  opts: { owner?: string; emptyDir?: boolean; mirror?: boolean; phase?: string } = {},
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "default",
      ...(opts.owner
        ? {
            ownerReferences: [
              { apiVersion: "apps/v1", kind: opts.owner, name: "o", uid: "u", controller: true },
            ],
          }
        : {}),
      ...(opts.mirror ? { annotations: { "kubernetes.io/config.mirror": "x" } } : {}),
    },
    spec: {
      containers: [{ name: "c", image: "i" }],
      ...(opts.emptyDir ? { volumes: [{ name: "scratch", emptyDir: {} }] } : {}),
    },
    ...(opts.phase ? { status: { phase: opts.phase } } : {}),
  } as Pod;
}

const none = { force: false, ignoreDaemonSets: false, deleteEmptyDirData: false };
const names = (pods: Pod[]) => pods.map((p) => p.metadata.name);

describe("kubectl drain's pod filters", () => {
  it("evicts controlled pods and finished bare pods, skips mirror pods", () => {
    const plan = planDrain(
      [
        pod("rs", { owner: "ReplicaSet" }),
        pod("done", { phase: "Succeeded" }),
        pod("mirror", { mirror: true, owner: "Node" }),
      ],
      none,
    );
    expect(names(plan.evict)).toEqual(["rs", "done"]);
    expect(planErrors(plan)).toEqual([]);
    expect(planWarning(plan)).toBeUndefined();
  });

  it("stops on bare pods, emptyDir data and DaemonSet pods, with kubectl's words", () => {
    const plan = planDrain(
      [
        pod("bare"),
        pod("scratch", { owner: "ReplicaSet", emptyDir: true }),
        pod("ds", { owner: "DaemonSet" }),
      ],
      none,
    );
    expect(names(plan.evict)).toEqual([]);
    expect(planErrors(plan)).toEqual([
      "cannot delete Pods declare no controller (use --force to override): default/bare",
      "cannot delete Pods with local storage (use --delete-emptydir-data to override): default/scratch",
      "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/ds",
    ]);
  });

  it("turns each refusal into a warning when its flag is given; DaemonSet pods stay", () => {
    const plan = planDrain(
      [
        pod("bare"),
        pod("scratch", { owner: "ReplicaSet", emptyDir: true }),
        pod("ds", { owner: "DaemonSet" }),
      ],
      { force: true, ignoreDaemonSets: true, deleteEmptyDirData: true },
    );
    expect(names(plan.evict)).toEqual(["bare", "scratch"]);
    expect(planWarning(plan)).toBe(
      "deleting Pods that declare no controller: default/bare; deleting Pods with local storage: default/scratch; ignoring DaemonSet-managed Pods: default/ds",
    );
  });
});

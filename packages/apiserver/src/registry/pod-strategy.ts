import type { DeleteOptions, Strategy } from "./strategy.js";

interface PodLike {
  spec?: { nodeName?: string; terminationGracePeriodSeconds?: number; containers?: ContainerLike[] };
  status?: { phase?: string };
}
interface ContainerLike {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

/** Pods start Pending, and are deleted gracefully: their kubelet must stop them first. */
export const podStrategy: Strategy = {
  prepareForCreate(obj) {
    const pod = obj as PodLike;
    obj.status = { phase: "Pending", qosClass: qosClass(pod.spec?.containers ?? []) };
  },

  gracePeriodSeconds(obj, options: DeleteOptions) {
    const pod = obj as PodLike;
    // An unscheduled pod has no kubelet to wait for, and a finished one has nothing to stop.
    if (!pod.spec?.nodeName) return 0;
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return 0;
    return options.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  },
};

/** Guaranteed when every container has limits equal to requests for cpu and memory; BestEffort when none has any. */
export function qosClass(containers: ContainerLike[]): "Guaranteed" | "Burstable" | "BestEffort" {
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const r of ["cpu", "memory"]) {
      const limit = limits[r];
      const request = requests[r] ?? limit;
      if (limit === undefined || String(request) !== String(limit)) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

import { qosClass } from "@minik8s/api";
import type { DeleteOptions, Strategy } from "./strategy.js";

interface PodLike {
  spec?: { nodeName?: string; terminationGracePeriodSeconds?: number; containers?: ContainerLike[] };
  status?: { phase?: string };
}
interface ContainerLike {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
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

import type { Pod } from "@minik8s/api";
import { tolerationsTolerate } from "../framework/taints.js";
import { type NodeInfo, type Plugin, type Status, success, unresolvable } from "../framework/types.js";

/**
 * NodeUnschedulable filters out cordoned nodes (spec.unschedulable), unless the pod tolerates the
 * node.kubernetes.io/unschedulable:NoSchedule taint, as DaemonSet pods do.
 */
export const NODE_UNSCHEDULABLE = "NodeUnschedulable";
export const ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";

export function nodeUnschedulable(): Plugin {
  return {
    name: NODE_UNSCHEDULABLE,
    filter(_state, pod: Pod, node: NodeInfo): Status {
      if (!node.node.spec?.unschedulable) return success();
      const taint = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" as const };
      if (tolerationsTolerate(pod.spec.tolerations, taint)) return success();
      return unresolvable(ERR_REASON_UNSCHEDULABLE);
    },
  };
}

import type { Toleration } from "@minik8s/api";
import { defaultNormalizeScore } from "../framework/normalize.js";
import { firstUntoleratedTaint, tolerationsTolerate } from "../framework/taints.js";
import { type Plugin, success, unresolvable } from "../framework/types.js";

/**
 * TaintToleration. Filter: a NoSchedule or NoExecute taint the pod does not tolerate rules the node
 * out; this is also how not-ready and unreachable nodes are avoided, since the node lifecycle
 * controller taints them node.kubernetes.io/not-ready and node.kubernetes.io/unreachable. Score:
 * fewer untolerated PreferNoSchedule taints is better (counted, then reversed by NormalizeScore).
 */
export const TAINT_TOLERATION = "TaintToleration";
const PRE_SCORE_KEY = "PreScoreTaintToleration";

export function taintToleration(): Plugin {
  return {
    name: TAINT_TOLERATION,
    filter(_state, pod, node) {
      const taints = node.node.spec?.taints;
      if (!taints || taints.length === 0) return success(); // most nodes: nothing to tolerate
      const taint = firstUntoleratedTaint(taints, pod.spec.tolerations);
      if (!taint) return success();
      return unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`);
    },
    preScore(state, pod) {
      const soft = (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === "PreferNoSchedule");
      state.set(PRE_SCORE_KEY, soft);
      return success();
    },
    score(state, pod, node) {
      const tolerations =
        (state.get(PRE_SCORE_KEY) as Toleration[] | undefined) ?? pod.spec.tolerations ?? [];
      const taints = node.node.spec?.taints;
      if (!taints) return 0;
      let count = 0;
      for (const t of taints)
        if (t.effect === "PreferNoSchedule" && !tolerationsTolerate(tolerations, t)) count++;
      return count;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(scores, true);
    },
  };
}

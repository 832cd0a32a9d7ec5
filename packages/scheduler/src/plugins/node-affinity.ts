import type { Node, NodeSelectorTerm, Pod } from "@minik8s/api";
import { NodeAffinity as NodeAffinitySchema } from "@minik8s/api";
import { z } from "zod";
import {
  nodeMatchesRequired,
  nodeSelectorTermMatches,
  nodeSelectorTermsMatch,
  type RequiredNodeConstraints,
  requiredNodeConstraints,
} from "../framework/node-selector.js";
import { defaultNormalizeScore } from "../framework/normalize.js";
import { type Plugin, skip, success, unresolvable } from "../framework/types.js";

/**
 * NodeAffinity. Filter: spec.nodeSelector and requiredDuringScheduling node affinity (In, NotIn,
 * Exists, DoesNotExist, Gt, Lt; matchFields on metadata.name), plus a profile-wide `addedAffinity`
 * from NodeAffinityArgs. Score: the sum of the weights of the matching preferredDuringScheduling
 * terms, scaled so the best node gets 100.
 */
export const NODE_AFFINITY = "NodeAffinity";
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
const PRE_FILTER_KEY = "PreFilterNodeAffinity";
const PRE_SCORE_KEY = "PreScoreNodeAffinity";

export const NodeAffinityArgsSchema = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.literal("NodeAffinityArgs").optional(),
  addedAffinity: NodeAffinitySchema.optional(),
});

interface Preferred {
  weight: number;
  preference: NodeSelectorTerm;
}

function preferredTerms(pod: Pod, added: readonly Preferred[]): Preferred[] {
  const own = pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  return [...added, ...own].filter((t) => t.weight !== 0);
}

export function nodeAffinity(rawArgs: unknown = {}): Plugin {
  const added = NodeAffinityArgsSchema.parse(rawArgs).addedAffinity;
  const addedRequired = added?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const addedPreferred = added?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  const enforced = (node: Node) => !addedRequired || nodeSelectorTermsMatch(addedRequired, node);

  return {
    name: NODE_AFFINITY,
    preFilter(state, pod) {
      const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
      if (!required && !addedRequired && !pod.spec.nodeSelector) return skip();
      // The pod's side is read once per pod, not per node (kube-scheduler's preFilterState).
      state.set(PRE_FILTER_KEY, requiredNodeConstraints(pod));
      return success();
    },
    filter(state, pod, node) {
      if (!enforced(node.node)) return unresolvable(ERR_REASON_ENFORCED);
      const required =
        (state.get(PRE_FILTER_KEY) as RequiredNodeConstraints | undefined) ?? requiredNodeConstraints(pod);
      if (!nodeMatchesRequired(required, node.node)) return unresolvable(ERR_REASON_POD);
      return success();
    },
    preScore(state, pod) {
      const terms = preferredTerms(pod, addedPreferred);
      if (terms.length === 0) return skip();
      state.set(PRE_SCORE_KEY, terms);
      return success();
    },
    score(state, pod, node) {
      const terms =
        (state.get(PRE_SCORE_KEY) as Preferred[] | undefined) ?? preferredTerms(pod, addedPreferred);
      let sum = 0;
      for (const t of terms) if (nodeSelectorTermMatches(t.preference, node.node)) sum += t.weight;
      return sum;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(scores, false);
    },
  };
}

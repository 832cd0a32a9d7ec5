import { z } from "zod";
import { type Plugin, success } from "../framework/types.js";
import { ResourceSpecSchema } from "./node-resources-fit.js";
import {
  balanced,
  DEFAULT_RESOURCES,
  type ScoredRequest,
  scoredRequest,
  scoreResources,
} from "./resource-allocation.js";

/**
 * NodeResourcesBalancedAllocation prefers nodes whose used fractions of the resources (cpu and
 * memory by default) stay close to each other once the pod is placed, so no resource is exhausted
 * while another sits idle. It scores with the pods' real requests, not the non-zero defaults.
 */
export const NODE_RESOURCES_BALANCED_ALLOCATION = "NodeResourcesBalancedAllocation";
const PRE_SCORE_KEY = "PreScoreNodeResourcesBalancedAllocation";

export const BalancedAllocationArgsSchema = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.literal("NodeResourcesBalancedAllocationArgs").optional(),
  resources: z.array(ResourceSpecSchema).min(1).optional(),
});

export function nodeResourcesBalancedAllocation(rawArgs: unknown = {}): Plugin {
  const resources = BalancedAllocationArgsSchema.parse(rawArgs).resources ?? DEFAULT_RESOURCES;
  return {
    name: NODE_RESOURCES_BALANCED_ALLOCATION,
    preScore(state, pod) {
      state.set(PRE_SCORE_KEY, scoredRequest(pod, resources, true, state));
      return success();
    },
    score(state, pod, node) {
      const request =
        (state.get(PRE_SCORE_KEY) as ScoredRequest | undefined) ?? scoredRequest(pod, resources, true, state);
      return scoreResources(node, resources, request, balanced);
    },
  };
}

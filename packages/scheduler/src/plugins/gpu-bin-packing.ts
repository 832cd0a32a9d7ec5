import { z } from "zod";
import { cycleRequests } from "../framework/pod-requests.js";
import { MAX_NODE_SCORE, type Plugin, success } from "../framework/types.js";

/**
 * GPUBinPacking, a score plugin of ours (kube-scheduler has none by this name) for clusters with a
 * few GPU nodes. It does two things with one resource, nvidia.com/gpu by default:
 *
 * - A pod that asks for GPUs prefers the node whose GPUs would be the most used once it lands:
 *   (in use + requested) / allocatable, as MostAllocated on that resource alone. Partly used GPU
 *   nodes fill up first, and a small GPU node beats an idle big one, so whole nodes stay free for
 *   jobs that need all their GPUs.
 * - A pod that asks for none scores 0 on nodes that have the resource and 100 on nodes that do not,
 *   so CPU-only work stays off GPU nodes while other nodes fit (it is a score, never a filter).
 *
 * Its weight must outweigh the spreading scores (LeastAllocated, PodTopologySpread) for the packing
 * to win: the gpu-binpack profile gives it 10.
 */
export const GPU_BIN_PACKING = "GPUBinPacking";
const PRE_SCORE_KEY = "PreScoreGPUBinPacking";

export const GPUBinPackingArgsSchema = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.literal("GPUBinPackingArgs").optional(),
  resourceName: z.string().min(1).default("nvidia.com/gpu"),
  /** Keep pods that need no GPU off GPU nodes. */
  avoidGPUNodesForNonGPUPods: z.boolean().default(true),
});
export type GPUBinPackingArgs = z.input<typeof GPUBinPackingArgsSchema>;

export function gpuBinPacking(rawArgs: unknown = {}): Plugin {
  const args = GPUBinPackingArgsSchema.parse(rawArgs);
  const resource = args.resourceName;
  const max = BigInt(MAX_NODE_SCORE);
  return {
    name: GPU_BIN_PACKING,
    preScore(state, pod) {
      state.set(PRE_SCORE_KEY, cycleRequests(state, pod)[resource] ?? 0n);
      return success();
    },
    score(state, pod, node) {
      const want =
        (state.get(PRE_SCORE_KEY) as bigint | undefined) ?? cycleRequests(state, pod)[resource] ?? 0n;
      const alloc = node.allocatable[resource] ?? 0n;
      if (want === 0n) {
        if (!args.avoidGPUNodesForNonGPUPods) return 0;
        return alloc > 0n ? 0 : MAX_NODE_SCORE;
      }
      if (alloc === 0n) return 0;
      const used = (node.requested[resource] ?? 0n) + want;
      return Number(((used > alloc ? alloc : used) * max) / alloc);
    },
  };
}

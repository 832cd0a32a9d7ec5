import { MAX_NODE_SCORE } from "./types.js";

/**
 * Kubernetes' helper.DefaultNormalizeScore: scale so the highest raw score becomes 100 (integer
 * division, as Go's), or with `reverse` the lowest; all zero stays zero (or 100 reversed).
 */
export function defaultNormalizeScore(scores: Map<string, number>, reverse: boolean): void {
  let max = 0;
  for (const s of scores.values()) if (s > max) max = s;
  for (const [name, s] of scores) {
    if (max === 0) {
      scores.set(name, reverse ? MAX_NODE_SCORE : s);
      continue;
    }
    const scaled = Math.trunc((MAX_NODE_SCORE * s) / max);
    scores.set(name, reverse ? MAX_NODE_SCORE - scaled : scaled);
  }
}

import { MAX_NODE_SCORE, type NodeScoreList } from "./types.js";

/**
 * Kubernetes' helper.DefaultNormalizeScore: scale so the highest raw score becomes 100 (integer
 * division, as Go's), or with `reverse` the lowest; all zero stays zero (or 100 reversed).
 */
export function defaultNormalizeScore(scores: NodeScoreList, reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  for (const s of scores) {
    if (max === 0) {
      if (reverse) s.score = MAX_NODE_SCORE;
      continue;
    }
    const scaled = Math.trunc((MAX_NODE_SCORE * s.score) / max);
    s.score = reverse ? MAX_NODE_SCORE - scaled : scaled;
  }
}

import type { Status } from "./types.js";

/**
 * The FailedScheduling text, worded as kube-scheduler's FitError: every node's reasons counted
 * across nodes, "<count> <reason>" sorted as strings (so "10 ..." sorts before "2 ..."), joined with
 * ", ". When a PreFilter plugin rejected the pod, its message stands alone, since every node carries
 * it. Kubernetes appends a "preemption: ..." sentence; we do not preempt and leave it out.
 */
export const NO_NODES_AVAILABLE = "no nodes available to schedule pods";

export function failureMessage(
  diagnosis: ReadonlyMap<string, Status>,
  numNodes: number,
  preFilterMsg?: string,
): string {
  if (numNodes === 0) return NO_NODES_AVAILABLE;
  let msg = `0/${numNodes} nodes are available:`;
  if (preFilterMsg) return `${msg} ${preFilterMsg}.`;
  const counts = new Map<string, number>();
  for (const status of diagnosis.values()) {
    for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
  if (parts.length > 0) msg += ` ${parts.join(", ")}.`;
  return msg;
}

/** A status's reasons as one line, as Kubernetes' Status.Message(). */
export const statusMessage = (s: Status): string => s.reasons.join(", ");

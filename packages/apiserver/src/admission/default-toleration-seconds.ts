import type { Toleration } from "@minik8s/api";
import type { ApiObject } from "../watch/watch-event.js";

export const NOT_READY_TAINT = "node.kubernetes.io/not-ready";
export const UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";

export interface DefaultTolerationSecondsOptions {
  /** --default-not-ready-toleration-seconds (Kubernetes: 300). */
  notReadySeconds?: number;
  /** --default-unreachable-toleration-seconds (Kubernetes: 300). */
  unreachableSeconds?: number;
}

/**
 * Kubernetes' DefaultTolerationSeconds admission: a pod that says nothing about the
 * not-ready and unreachable NoExecute taints tolerates each for 300 s, so a node that drops out
 * for a moment does not lose its pods at once, and one that stays away loses them after five
 * minutes. A toleration of the same key (or of every key) with NoExecute (or every effect)
 * counts as saying something. Runs on create, before defaults and validation.
 */
export function defaultTolerationSeconds(
  opts: DefaultTolerationSecondsOptions = {},
): (pod: ApiObject) => void {
  const defaults: [string, number][] = [
    [NOT_READY_TAINT, opts.notReadySeconds ?? 300],
    [UNREACHABLE_TAINT, opts.unreachableSeconds ?? 300],
  ];
  return (pod) => {
    const spec = pod.spec as { tolerations?: Toleration[] } | undefined;
    if (!spec || typeof spec !== "object") return;
    const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
    const added = defaults
      .filter(
        ([key]) =>
          !tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === "NoExecute")),
      )
      .map(
        ([key, seconds]): Toleration => ({
          key,
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: seconds,
        }),
      );
    if (added.length > 0) spec.tolerations = [...tolerations, ...added];
  };
}

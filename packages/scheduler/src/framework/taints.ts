import type { Taint, Toleration } from "@minik8s/api";

/**
 * Kubernetes' Toleration.ToleratesTaint: an empty effect matches every effect, an empty key (only
 * valid with Exists) matches every key, Exists ignores the value and Equal (or no operator) needs it
 * to be equal.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? "Equal") {
    case "Exists":
      return true;
    case "Equal":
      return (t.value ?? "") === (taint.value ?? "");
    default:
      return false;
  }
}

export function tolerationsTolerate(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** The first NoSchedule or NoExecute taint none of the tolerations tolerates (what blocks scheduling). */
export function firstUntoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
): Taint | undefined {
  return (taints ?? []).find(
    (t) => (t.effect === "NoSchedule" || t.effect === "NoExecute") && !tolerationsTolerate(tolerations, t),
  );
}

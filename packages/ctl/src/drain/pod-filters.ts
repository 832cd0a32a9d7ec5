import type { Pod } from "@minik8s/api/schemas/core";

/** kubectl's drain filters, with its words (k8s.io/kubectl/pkg/drain/filters.go). */
export const DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
export const DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods";
export const LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)";
export const LOCAL_STORAGE_WARNING = "deleting Pods with local storage";
export const UNMANAGED_FATAL = "Pods declare no controller (use --force to override)";
export const UNMANAGED_WARNING = "deleting Pods that declare no controller";

const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

export interface DrainFilterOptions {
  force: boolean;
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
}

export interface DrainPlan {
  /** Pods to evict, in the order listed. */
  evict: Pod[];
  /** Warning message -> "namespace/name" of the pods it is about. */
  warnings: Map<string, string[]>;
  /** Fatal message -> pods; any entry stops the drain. */
  errors: Map<string, string[]>;
}

function add(map: Map<string, string[]>, message: string, pod: Pod): void {
  const id = `${pod.metadata.namespace}/${pod.metadata.name}`;
  map.set(message, [...(map.get(message) ?? []), id]);
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

/**
 * Sorts a node's pods as `kubectl drain` does: DaemonSet pods are skipped (their controller would
 * put them straight back) or stop the drain; mirror pods are skipped silently (the API cannot
 * delete them); pods with emptyDir data or without a controller stop the drain unless the user
 * accepts losing them. Finished pods are always fine to remove.
 */
export function planDrain(pods: readonly Pod[], opts: DrainFilterOptions): DrainPlan {
  const plan: DrainPlan = { evict: [], warnings: new Map(), errors: new Map() };
  for (const pod of pods) {
    const controller = pod.metadata.ownerReferences?.find((r) => r.controller === true);
    if (controller?.kind === "DaemonSet") {
      if (opts.ignoreDaemonSets) add(plan.warnings, DAEMONSET_WARNING, pod);
      else add(plan.errors, DAEMONSET_FATAL, pod);
      continue;
    }
    if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) continue;
    let fatal = false;
    const hasEmptyDir = (pod.spec.volumes ?? []).some((v) => v.emptyDir !== undefined);
    if (hasEmptyDir && !isTerminal(pod)) {
      if (opts.deleteEmptyDirData) add(plan.warnings, LOCAL_STORAGE_WARNING, pod);
      else {
        add(plan.errors, LOCAL_STORAGE_FATAL, pod);
        fatal = true;
      }
    }
    if (!controller && !isTerminal(pod)) {
      if (opts.force) add(plan.warnings, UNMANAGED_WARNING, pod);
      else {
        add(plan.errors, UNMANAGED_FATAL, pod);
        fatal = true;
      }
    }
    if (!fatal) plan.evict.push(pod);
  }
  return plan;
}

/** "cannot delete <why>: ns/a, ns/b" for each fatal reason, kubectl's wording. */
export function planErrors(plan: DrainPlan): string[] {
  return [...plan.errors].map(([message, pods]) => `cannot delete ${message}: ${pods.join(", ")}`);
}

/** "WARNING: <what>: ns/a, ns/b" joined by "; ", as kubectl prints them on one line. */
export function planWarning(plan: DrainPlan): string | undefined {
  if (plan.warnings.size === 0) return undefined;
  return [...plan.warnings].map(([message, pods]) => `${message}: ${pods.join(", ")}`).join("; ");
}

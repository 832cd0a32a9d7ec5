import type { ApiObject } from "../watch/watch-event.js";

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

/**
 * What differs between resources, in the spirit of Kubernetes' RESTCreateStrategy and
 * RESTUpdateStrategy: the generic resource storage calls these hooks and does the rest the same
 * way for every kind. Hooks change the object they are given (a private copy).
 */
export interface Strategy {
  /** Called on create after metadata is filled in, before defaults and validation. */
  prepareForCreate?(obj: ApiObject): void;
  /** Called on an update of the main resource (`status` is already copied from `old`). */
  prepareForUpdate?(obj: ApiObject, old: ApiObject): void;
  /** Claims what the object needs from shared pools (ClusterIPs, NodePorts); may throw a 422. */
  allocate?(obj: ApiObject, old?: ApiObject): void;
  /** Gives back what `allocate` claimed, after a delete or a failed write. */
  release?(obj: ApiObject, keep?: ApiObject): void;
  /**
   * Seconds the object lingers with a deletionTimestamp before it is removed; 0 removes it now.
   * Only pods wait (for their kubelet to stop the containers).
   */
  gracePeriodSeconds?(obj: ApiObject, options: DeleteOptions): number;
  /** Namespaces stay while their `spec.finalizers` are not empty; other kinds have none. */
  pendingSpecFinalizers?(obj: ApiObject): number;
  /** Called when a delete marks the object (deletionTimestamp) instead of removing it. */
  prepareForDeletion?(obj: ApiObject): void;
}

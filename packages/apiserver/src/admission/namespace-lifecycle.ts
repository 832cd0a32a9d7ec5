import { errors, StatusError } from "@minik8s/api";
import type { ResourceStorage } from "../registry/resource-storage.js";

/**
 * Kubernetes' NamespaceLifecycle admission: nothing is created in a namespace that does not exist
 * or is being deleted (the namespace controller would never see it to clean it up).
 */
export function namespaceLifecycle(namespaces: ResourceStorage): (namespace: string) => Promise<void> {
  return async (namespace) => {
    let ns: Awaited<ReturnType<ResourceStorage["get"]>>;
    try {
      ns = await namespaces.get(undefined, namespace);
    } catch (err) {
      if (err instanceof StatusError && err.reason === "NotFound")
        throw errors.notFound("namespaces", "", namespace);
      throw err;
    }
    if (
      ns.metadata?.deletionTimestamp ||
      (ns.status as { phase?: string } | undefined)?.phase === "Terminating"
    ) {
      throw errors.forbidden(
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  };
}

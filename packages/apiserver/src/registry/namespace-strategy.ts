import { deepCopy } from "@minik8s/api";
import type { Strategy } from "./strategy.js";

interface NamespaceLike {
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}

/**
 * A namespace is born Active with the `kubernetes` finalizer in its spec. Deleting it makes it
 * Terminating; the namespace controller empties it and then removes that finalizer through the
 * `finalize` subresource, and only then does the namespace go away.
 */
export const namespaceStrategy: Strategy = {
  prepareForCreate(obj) {
    const ns = obj as NamespaceLike;
    ns.spec = { ...(ns.spec ?? {}), finalizers: ns.spec?.finalizers ?? ["kubernetes"] };
    obj.status = { phase: "Active" };
  },
  prepareForUpdate(obj, old) {
    // spec.finalizers changes only through the finalize subresource.
    (obj as NamespaceLike).spec = deepCopy((old as NamespaceLike).spec);
  },
  pendingSpecFinalizers(obj) {
    return (obj as NamespaceLike).spec?.finalizers?.length ?? 0;
  },
  prepareForDeletion(obj) {
    obj.status = { ...((obj.status as object) ?? {}), phase: "Terminating" };
  },
};

import { errors, rfc3339 } from "@minik8s/api";
import type { ApiObject } from "../watch/watch-event.js";

interface BindingBody {
  metadata?: { name?: string; namespace?: string; uid?: string };
  target?: { kind?: string; name?: string };
}
interface PodLike {
  spec?: { nodeName?: string };
  status?: { conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
}

/**
 * What a Binding does to its pod (Kubernetes' BindingREST): set spec.nodeName once, and mark the
 * pod PodScheduled. A pod already bound is a 409: two schedulers must not both win.
 */
export function bindPod(pod: ApiObject, body: unknown): ApiObject {
  const binding = (body ?? {}) as BindingBody;
  const name = pod.metadata?.name ?? "";
  const node = binding.target?.name;
  if (!node) {
    throw errors.invalid("Binding", "", name, [
      { reason: "FieldValueRequired", field: "target.name", message: "target.name: Required value" },
    ]);
  }
  if (binding.target?.kind && binding.target.kind !== "Node") {
    throw errors.invalid("Binding", "", name, [
      {
        reason: "FieldValueNotSupported",
        field: "target.kind",
        message: `target.kind: Unsupported value: ${JSON.stringify(binding.target.kind)}: supported values: "Node"`,
      },
    ]);
  }
  if (binding.metadata?.uid && binding.metadata.uid !== pod.metadata?.uid) {
    throw errors.conflict("pods", "", name, "the UID in the binding does not match the pod's");
  }
  const current = pod as ApiObject & PodLike;
  if (current.metadata?.deletionTimestamp) {
    throw errors.conflict("pods", "", name, "pod is being deleted, cannot be assigned to a host");
  }
  if (current.spec?.nodeName) {
    throw errors.conflict(
      "pods",
      "",
      name,
      `pod ${name} is already assigned to node "${current.spec.nodeName}"`,
    );
  }
  const conditions = (current.status?.conditions ?? []).filter((c) => c.type !== "PodScheduled");
  conditions.push({ type: "PodScheduled", status: "True", lastTransitionTime: rfc3339() });
  return {
    ...pod,
    spec: { ...(pod.spec as object), nodeName: node },
    status: { ...(pod.status as object), conditions },
  };
}

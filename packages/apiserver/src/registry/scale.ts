import { errors, labelSelectorToString } from "@minik8s/api";
import type { ApiObject } from "../watch/watch-event.js";

interface Scalable {
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  status?: { replicas?: number };
}

/**
 * The `scale` subresource: an autoscaling/v1 Scale that views a Deployment or ReplicaSet as just
 * a replica count (what `kubectl scale` and the HPA read and write).
 */
export function toScale(obj: ApiObject): ApiObject {
  const target = obj as ApiObject & Scalable;
  const meta = obj.metadata ?? {};
  return {
    apiVersion: "autoscaling/v1",
    kind: "Scale",
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: target.spec?.replicas ?? 0 },
    status: {
      replicas: target.status?.replicas ?? 0,
      selector: labelSelectorToString(target.spec?.selector as never),
    },
  };
}

/** Write a (possibly patched) Scale back onto its object: only spec.replicas moves. */
export function applyScale(obj: ApiObject, scale: unknown): ApiObject {
  const replicas = (scale as { spec?: { replicas?: unknown } } | undefined)?.spec?.replicas;
  const name = obj.metadata?.name ?? "";
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid("Scale", "autoscaling", name, [
      {
        reason: "FieldValueInvalid",
        field: "spec.replicas",
        message: `spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      },
    ]);
  }
  const rv = (scale as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
  return {
    ...obj,
    metadata: { ...obj.metadata, ...(rv ? { resourceVersion: rv } : {}) },
    spec: { ...(obj.spec as object), replicas },
  };
}

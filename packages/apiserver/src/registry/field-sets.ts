import type { ApiObject } from "../watch/watch-event.js";

/**
 * The fields a field selector may name, per resource, as Kubernetes' `GetAttrs`/`ToSelectableFields`
 * define them. Every resource has metadata.name and metadata.namespace; a few have more.
 */
type FieldGetter = (obj: ApiObject) => string | undefined;

const get =
  (...path: string[]): FieldGetter =>
  (obj) => {
    let at: unknown = obj;
    for (const p of path) at = at && typeof at === "object" ? (at as Record<string, unknown>)[p] : undefined;
    return at === undefined || at === null ? undefined : String(at);
  };

const EXTRA_FIELDS: Record<string, Record<string, FieldGetter>> = {
  pods: {
    "spec.nodeName": get("spec", "nodeName"),
    "spec.restartPolicy": get("spec", "restartPolicy"),
    "spec.schedulerName": get("spec", "schedulerName"),
    "spec.serviceAccountName": get("spec", "serviceAccountName"),
    "spec.hostNetwork": (o) =>
      String(Boolean((o.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork)),
    "status.phase": get("status", "phase"),
    "status.podIP": get("status", "podIP"),
    "status.nominatedNodeName": get("status", "nominatedNodeName"),
  },
  nodes: {
    "spec.unschedulable": (o) =>
      String(Boolean((o.spec as { unschedulable?: boolean } | undefined)?.unschedulable)),
  },
  namespaces: { "status.phase": get("status", "phase") },
  secrets: { type: get("type") },
  replicasets: { "status.replicas": get("status", "replicas") },
  jobs: { "status.successful": get("status", "succeeded") },
  events: {
    "involvedObject.kind": get("involvedObject", "kind"),
    "involvedObject.namespace": get("involvedObject", "namespace"),
    "involvedObject.name": get("involvedObject", "name"),
    "involvedObject.uid": get("involvedObject", "uid"),
    "involvedObject.apiVersion": get("involvedObject", "apiVersion"),
    "involvedObject.resourceVersion": get("involvedObject", "resourceVersion"),
    "involvedObject.fieldPath": get("involvedObject", "fieldPath"),
    reason: get("reason"),
    reportingComponent: get("reportingComponent"),
    source: get("source", "component"),
    type: get("type"),
  },
};

/** The selectable fields of `obj` as a flat map, for matching a field selector. */
export function selectableFields(resource: string, obj: ApiObject): Record<string, string> {
  const fields: Record<string, string> = {
    "metadata.name": obj.metadata?.name ?? "",
    "metadata.namespace": obj.metadata?.namespace ?? "",
  };
  for (const [field, getter] of Object.entries(EXTRA_FIELDS[resource] ?? {})) {
    fields[field] = getter(obj) ?? "";
  }
  return fields;
}

export function supportedFields(resource: string): string[] {
  return ["metadata.name", "metadata.namespace", ...Object.keys(EXTRA_FIELDS[resource] ?? {})];
}

import type { ResourceRef } from "./kube-object.js";

/** `/api/v1` for the core group, `/apis/{group}/{version}` otherwise. */
export function groupVersionPath(ref: { group: string; version: string }): string {
  return ref.group === "" ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
}

/**
 * The URL path of a collection, an object or a subresource, as the apiserver routes them:
 * `/api/v1/namespaces/default/pods/web/status`, `/apis/apps/v1/deployments` (all namespaces).
 * A namespaced kind without a namespace addresses every namespace (list and watch only).
 */
export function resourcePath(
  ref: ResourceRef,
  at: { namespace?: string | undefined; name?: string | undefined; subresource?: string | undefined } = {},
): string {
  let path = groupVersionPath(ref);
  if (ref.namespaced && at.namespace) path += `/namespaces/${encodeURIComponent(at.namespace)}`;
  path += `/${ref.plural}`;
  if (at.name !== undefined) {
    if (at.name === "") throw new Error(`a ${ref.kind ?? ref.plural} needs a name here`);
    path += `/${encodeURIComponent(at.name)}`;
    if (at.subresource) path += `/${at.subresource}`;
  }
  return path;
}

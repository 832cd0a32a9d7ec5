/**
 * What a request is about, read off its path and method the way Kubernetes' RequestInfoFactory
 * does: `/apis/apps/v1/namespaces/default/deployments/web/scale` is a `get` (or `update`, `patch`)
 * of the `scale` subresource of deployment `web` in namespace `default`.
 */
export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

export interface RequestInfo {
  verb: Verb;
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

/** Returns undefined when the path is not a resource path (discovery, health, openapi). */
export function parseRequestInfo(
  method: string,
  path: string,
  query: URLSearchParams,
): RequestInfo | undefined {
  const parts = path.split("?")[0]!.split("/").filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) {
    group = "";
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return undefined;
  }

  let namespace: string | undefined;
  // `/api/v1/namespaces/default/pods` is namespaced; `/api/v1/namespaces/default` is the
  // Namespace object itself, and `/api/v1/namespaces/default/status` one of its subresources.
  const namespaceSubresource = rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2]!);
  if (rest[0] === "namespaces" && rest.length >= 3 && !namespaceSubresource) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (!resource || rest.length > 3) return undefined;

  const isWatch = query.get("watch") === "true" || query.get("watch") === "1";
  let verb: Verb;
  switch (method) {
    case "GET":
    case "HEAD":
      verb = name ? "get" : isWatch ? "watch" : "list";
      if (name && isWatch) verb = "watch";
      break;
    case "POST":
      verb = "create";
      break;
    case "PUT":
      verb = "update";
      break;
    case "PATCH":
      verb = "patch";
      break;
    case "DELETE":
      verb = name ? "delete" : "deletecollection";
      break;
    default:
      return undefined;
  }
  return {
    verb,
    group,
    version,
    resource,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}

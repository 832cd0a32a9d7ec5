/**
 * The little the client needs to know about an object: where it lives (metadata) and which kind
 * it is. Components use the full types of @minik8s/api; the client stays generic over them.
 */
export interface ObjectMetaLike {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  deletionTimestamp?: string;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMetaLike;
}

/** A list reply: `PodList`, `DeploymentList`, ... */
export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

/**
 * Where a kind is served. A `KindInfo` from the registry fits; so does any literal with these
 * fields, for kinds the registry does not know.
 */
export interface ResourceRef {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly kind?: string;
}

/**
 * The cache key of an object: `namespace/name`, or `name` for cluster-scoped objects, as
 * client-go's MetaNamespaceKeyFunc. Work queues carry these keys, never the objects.
 */
export function objectKey(obj: KubeObject): string {
  const name = obj.metadata?.name ?? "";
  const namespace = obj.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/** The inverse of `objectKey`: `{namespace: "", name}` for a cluster-scoped key. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf("/");
  if (slash < 0) return { namespace: "", name: key };
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * The strategic-merge metadata of the kinds we serve: what Kubernetes declares with the
 * `patchStrategy` / `patchMergeKey` struct tags (and `x-kubernetes-patch-*` in OpenAPI).
 * A field without an entry is atomic: maps still merge key by key, lists are replaced whole.
 */
export interface PatchMeta {
  /** The list merges element by element instead of being replaced. */
  readonly merge?: boolean;
  /** Lists of maps: the field that identifies an element. A merged list without one is a set of primitives. */
  readonly mergeKey?: string;
  /** The map (or each element map of the list) keeps only the fields named by `$retainKeys`. */
  readonly retainKeys?: boolean;
  /** The fields of the map, or of each element map of the list. */
  readonly fields?: Readonly<Record<string, PatchMeta>>;
}

export const atomicMeta: PatchMeta = Object.freeze({});

export function fieldMeta(meta: PatchMeta, field: string): PatchMeta {
  return (
    (meta.fields !== undefined && Object.hasOwn(meta.fields, field) ? meta.fields[field] : undefined) ??
    atomicMeta
  );
}

/** The meta of one element of a list: its fields, and retainKeys when the list declares it. */
export function elementMeta(list: PatchMeta): PatchMeta {
  return { fields: list.fields ?? {}, retainKeys: list.retainKeys ?? false };
}

const fields = (children: Record<string, PatchMeta>): PatchMeta => ({ fields: children });
const mergedBy = (
  mergeKey: string,
  children: Record<string, PatchMeta> = {},
  retainKeys = false,
): PatchMeta => ({
  merge: true,
  mergeKey,
  retainKeys,
  fields: children,
});
const primitiveSet: PatchMeta = { merge: true };
const conditions = mergedBy("type");

const objectMeta = fields({
  ownerReferences: mergedBy("uid"),
  finalizers: primitiveSet,
});

const container = {
  ports: mergedBy("containerPort"),
  env: mergedBy("name"),
  volumeMounts: mergedBy("mountPath"),
  volumeDevices: mergedBy("devicePath"),
};

// Kubernetes declares tolerations, affinity terms, readinessGates and envFrom without a strategy:
// they are replaced whole. topologySpreadConstraints is keyed by topologyKey+whenUnsatisfiable in
// server-side apply; strategic merge patch uses topologyKey alone.
const podSpec = fields({
  containers: mergedBy("name", container),
  initContainers: mergedBy("name", container),
  ephemeralContainers: mergedBy("name", container),
  volumes: mergedBy("name", {}, true),
  imagePullSecrets: mergedBy("name"),
  hostAliases: mergedBy("ip"),
  topologySpreadConstraints: mergedBy("topologyKey"),
  resourceClaims: mergedBy("name", {}, true),
  schedulingGates: mergedBy("name"),
});

const podStatus = fields({
  conditions,
  podIPs: mergedBy("ip"),
  hostIPs: mergedBy("ip"),
});

const podTemplate = fields({ metadata: objectMeta, spec: podSpec });
const withConditions = fields({ conditions });

const pod = fields({ metadata: objectMeta, spec: podSpec, status: podStatus });
const workload = (spec: Record<string, PatchMeta> = {}) =>
  fields({ metadata: objectMeta, spec: fields({ template: podTemplate, ...spec }), status: withConditions });
const jobSpec = fields({ template: podTemplate });
const job = fields({ metadata: objectMeta, spec: jobSpec, status: withConditions });
const cronJob = fields({
  metadata: objectMeta,
  spec: fields({ jobTemplate: fields({ metadata: objectMeta, spec: jobSpec }) }),
});

// Node taints carry no strategy in Kubernetes: a patch replaces the whole list.
const node = fields({
  metadata: objectMeta,
  spec: fields({ podCIDRs: primitiveSet }),
  status: fields({ conditions, addresses: mergedBy("type") }),
});

const service = fields({
  metadata: objectMeta,
  spec: fields({ ports: mergedBy("port") }),
  status: withConditions,
});

const metadataOnly = fields({ metadata: objectMeta });
const withStatusConditions = fields({ metadata: objectMeta, status: withConditions });

/** Keyed by API group ("" for the core group) and kind; the version does not change the strategy. */
const byGroupKind: Readonly<Record<string, PatchMeta>> = {
  "/Pod": pod,
  "/PodTemplate": fields({ metadata: objectMeta, template: podTemplate }),
  "/ReplicationController": workload(),
  "/Node": node,
  "/Service": service,
  "/Namespace": withStatusConditions,
  "/PersistentVolumeClaim": withStatusConditions,
  "/Endpoints": metadataOnly,
  "apps/Deployment": workload({ strategy: { retainKeys: true } }),
  "apps/ReplicaSet": workload(),
  "apps/DaemonSet": workload(),
  "apps/StatefulSet": workload(),
  "batch/Job": job,
  "batch/CronJob": cronJob,
  "autoscaling/HorizontalPodAutoscaler": withStatusConditions,
  "policy/PodDisruptionBudget": withStatusConditions,
};

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/**
 * The root meta of a kind. Kinds we do not know are atomic throughout, so their patches behave like
 * JSON merge patches. (Kubernetes refuses strategic merge patches for custom resources altogether.)
 */
export function patchMetaFor(apiVersion: string, kind: string): PatchMeta {
  const key = `${groupOf(apiVersion)}/${kind}`;
  return (Object.hasOwn(byGroupKind, key) ? byGroupKind[key] : undefined) ?? atomicMeta;
}

// Metadata only: the zod schemas live in kind-schemas.ts, so that importing the registry stays cheap.
/** A subresource as discovery lists it (`pods/status`), with the kind its body carries. */
export interface SubresourceInfo {
  readonly name: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly verbs: readonly string[];
}

/** Everything the rest of the system needs to know about one stored kind. */
export interface KindInfo {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  /** The resource name in URLs and storage keys. */
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
  readonly categories: readonly string[];
  readonly subresources: readonly SubresourceInfo[];
  readonly verbs: readonly string[];
}

/** A group and version as discovery serves it, with its kinds. */
export interface GroupVersionInfo {
  readonly group: string;
  readonly version: string;
  /** "v1" for the core group, "apps/v1" otherwise. */
  readonly groupVersion: string;
  readonly kinds: readonly KindInfo[];
}

const CRUD = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] as const;
const READ_WRITE = ["get", "patch", "update"] as const;

function sub(
  name: string,
  kind: string,
  verbs: readonly string[],
  group = "",
  version = "v1",
): SubresourceInfo {
  return { name, group, version, kind, verbs };
}

function status(kind: string, group: string, version: string): SubresourceInfo {
  return sub("status", kind, READ_WRITE, group, version);
}

const scale = sub("scale", "Scale", READ_WRITE, "autoscaling", "v1");

interface KindSpec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  namespaced: boolean;
  categories?: string[];
  subresources?: SubresourceInfo[];
}

function define(spec: KindSpec): KindInfo {
  return Object.freeze({
    group: spec.group,
    version: spec.version,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    plural: spec.plural,
    singular: spec.kind.toLowerCase(),
    shortNames: Object.freeze(spec.shortNames ?? []),
    namespaced: spec.namespaced,
    categories: Object.freeze(spec.categories ?? []),
    subresources: Object.freeze(spec.subresources ?? []),
    verbs: CRUD,
  });
}

const ALL = ["all"];

// Names, short names and categories are Kubernetes' own, so kubectl resolves them the same way.
const KINDS: readonly KindInfo[] = Object.freeze([
  define({
    group: "",
    version: "v1",
    kind: "Namespace",
    plural: "namespaces",
    shortNames: ["ns"],
    namespaced: false,
    subresources: [status("Namespace", "", "v1"), sub("finalize", "Namespace", ["update"])],
  }),
  define({
    group: "",
    version: "v1",
    kind: "Pod",
    plural: "pods",
    shortNames: ["po"],
    namespaced: true,
    categories: ALL,
    subresources: [
      status("Pod", "", "v1"),
      sub("binding", "Binding", ["create"]),
      sub("log", "Pod", ["get"]),
      sub("exec", "PodExecOptions", ["create", "get"]),
      sub("eviction", "Eviction", ["create"], "policy", "v1"),
    ],
  }),
  define({
    group: "",
    version: "v1",
    kind: "Node",
    plural: "nodes",
    shortNames: ["no"],
    namespaced: false,
    subresources: [status("Node", "", "v1")],
  }),
  define({
    group: "",
    version: "v1",
    kind: "Service",
    plural: "services",
    shortNames: ["svc"],
    namespaced: true,
    categories: ALL,
    subresources: [status("Service", "", "v1")],
  }),
  define({
    group: "",
    version: "v1",
    kind: "Endpoints",
    plural: "endpoints",
    shortNames: ["ep"],
    namespaced: true,
  }),
  define({
    group: "",
    version: "v1",
    kind: "ConfigMap",
    plural: "configmaps",
    shortNames: ["cm"],
    namespaced: true,
  }),
  define({
    group: "",
    version: "v1",
    kind: "Secret",
    plural: "secrets",
    namespaced: true,
  }),
  define({
    group: "",
    version: "v1",
    kind: "Event",
    plural: "events",
    shortNames: ["ev"],
    namespaced: true,
  }),
  define({
    group: "apps",
    version: "v1",
    kind: "Deployment",
    plural: "deployments",
    shortNames: ["deploy"],
    namespaced: true,
    categories: ALL,
    subresources: [status("Deployment", "apps", "v1"), scale],
  }),
  define({
    group: "apps",
    version: "v1",
    kind: "ReplicaSet",
    plural: "replicasets",
    shortNames: ["rs"],
    namespaced: true,
    categories: ALL,
    subresources: [status("ReplicaSet", "apps", "v1"), scale],
  }),
  define({
    group: "autoscaling",
    version: "v2",
    kind: "HorizontalPodAutoscaler",
    plural: "horizontalpodautoscalers",
    shortNames: ["hpa"],
    namespaced: true,
    categories: ALL,
    subresources: [status("HorizontalPodAutoscaler", "autoscaling", "v2")],
  }),
  define({
    group: "batch",
    version: "v1",
    kind: "Job",
    plural: "jobs",
    namespaced: true,
    categories: ALL,
    subresources: [status("Job", "batch", "v1")],
  }),
  define({
    group: "batch",
    version: "v1",
    kind: "CronJob",
    plural: "cronjobs",
    shortNames: ["cj"],
    namespaced: true,
    categories: ALL,
    subresources: [status("CronJob", "batch", "v1")],
  }),
  define({
    group: "coordination.k8s.io",
    version: "v1",
    kind: "Lease",
    plural: "leases",
    namespaced: true,
  }),
  define({
    group: "policy",
    version: "v1",
    kind: "PodDisruptionBudget",
    plural: "poddisruptionbudgets",
    shortNames: ["pdb"],
    namespaced: true,
    subresources: [status("PodDisruptionBudget", "policy", "v1")],
  }),
]);

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** Every stored kind, core group first. */
export function allKinds(): readonly KindInfo[] {
  return KINDS;
}

/** Splits "apps/v1" into group "apps" and version "v1"; "v1" is the core group. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  if (slash < 0) return { group: "", version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** "v1" for the core group, "apps/v1" otherwise. */
export function apiVersionOf(info: { group: string; version: string }): string {
  return info.group === "" ? info.version : `${info.group}/${info.version}`;
}

export function kindFor(gvk: GroupVersionKind): KindInfo | undefined {
  return KINDS.find((k) => k.group === gvk.group && k.version === gvk.version && k.kind === gvk.kind);
}

export function kindForApiVersion(apiVersion: string, kind: string): KindInfo | undefined {
  return kindFor({ ...parseApiVersion(apiVersion), kind });
}

export function resourceFor(group: string, version: string, plural: string): KindInfo | undefined {
  return KINDS.find((k) => k.group === group && k.version === version && k.plural === plural);
}

function names(info: KindInfo): string[] {
  return [info.plural, info.singular, info.kind.toLowerCase(), ...info.shortNames];
}

/**
 * Resolves what a user types after `get`: a plural, singular, short name or kind in any case,
 * optionally qualified as `resource.group` or `resource.version.group` (`deployments.apps`,
 * `deploy.v1.apps`). Undefined when nothing matches.
 */
export function resolveResource(text: string): KindInfo | undefined {
  const lower = text.trim().toLowerCase();
  if (lower === "") return undefined;
  const dot = lower.indexOf(".");
  if (dot < 0) return KINDS.find((k) => names(k).includes(lower));
  const name = lower.slice(0, dot);
  const qualifier = lower.slice(dot + 1);
  const candidates = KINDS.filter((k) => names(k).includes(name));
  return (
    candidates.find((k) => k.group === qualifier) ??
    candidates.find((k) => `${k.version}.${k.group}` === qualifier) ??
    // The core group is spelled "core" or "" (`pods.` never happens; `pods.core` may).
    candidates.find((k) => k.group === "" && (qualifier === "core" || qualifier === `${k.version}.core`))
  );
}

/** The store key of one object: `/registry/{plural}/{namespace}/{name}`, or without the namespace. */
export function storageKey(info: KindInfo, namespace: string | undefined, name: string): string {
  if (info.namespaced && !namespace) {
    throw new Error(`${info.kind} "${name}" is namespaced: its storage key needs a namespace`);
  }
  return `${storagePrefix(info, namespace)}${name}`;
}

/**
 * The key prefix that lists a kind: all namespaces (no namespace given), or one namespace.
 * It always ends with "/" so that `pods/default/` never matches `pods/default-2/`.
 */
export function storagePrefix(info: KindInfo, namespace?: string): string {
  if (!info.namespaced || namespace === undefined || namespace === "") return `/registry/${info.plural}/`;
  return `/registry/${info.plural}/${namespace}/`;
}

/** Discovery: each group and version we serve with its kinds, the core group first. */
export function groupVersions(): readonly GroupVersionInfo[] {
  const out: GroupVersionInfo[] = [];
  for (const k of KINDS) {
    const groupVersion = apiVersionOf(k);
    const existing = out.find((g) => g.groupVersion === groupVersion);
    if (existing) (existing.kinds as KindInfo[]).push(k);
    else out.push({ group: k.group, version: k.version, groupVersion, kinds: [k] });
  }
  return out;
}

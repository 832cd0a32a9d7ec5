import { createHash } from "node:crypto";
import { groupVersions, type KindInfo, type SubresourceInfo } from "@minik8s/api";

/**
 * Discovery: the documents kubectl reads first to learn which resources exist, their kinds,
 * scopes, verbs, short names (`deploy`) and categories (`get all`). All are pure functions of
 * the kind registry.
 */

/** The Content-Type that tells client-go a discovery reply is aggregated (it checks g, v and as). */
export const DISCOVERY_V2_CONTENT_TYPE =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

export interface ServerAddressByClientCIDR {
  clientCIDR: string;
  serverAddress: string;
}

export interface APIVersions {
  kind: "APIVersions";
  versions: string[];
  serverAddressByClientCIDRs: ServerAddressByClientCIDR[];
}

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  kind?: "APIGroup";
  apiVersion?: "v1";
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIGroupList {
  kind: "APIGroupList";
  apiVersion: "v1";
  groups: APIGroup[];
}

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  /** Set only where the kind's group or version differs from the list's, as for `deployments/scale`. */
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

export interface APIResourceList {
  kind: "APIResourceList";
  apiVersion: "v1";
  groupVersion: string;
  resources: APIResource[];
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: "Namespaced" | "Cluster";
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: "Current" | "Stale";
}

export interface APIGroupDiscovery {
  metadata: { name?: string };
  versions: APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  kind: "APIGroupDiscoveryList";
  apiVersion: "apidiscovery.k8s.io/v2";
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

/**
 * GET /api. `serverAddress` ("host:port") is what clients are told to reach us at; Kubernetes
 * always lists one entry for 0.0.0.0/0.
 */
export function apiVersions(serverAddress?: string): APIVersions {
  return {
    kind: "APIVersions",
    versions: servedGroups()
      .filter((g) => g.name === "")
      .flatMap((g) => g.versions.map((v) => v.version)),
    serverAddressByClientCIDRs: serverAddress ? [{ clientCIDR: "0.0.0.0/0", serverAddress }] : [],
  };
}

/** GET /apis: every named group (the core group lives at /api), preferred version first. */
export function apiGroupList(): APIGroupList {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: servedGroups()
      .filter((g) => g.name !== "")
      .map((g) => apiGroupOf(g)),
  };
}

/** GET /apis/{group}; undefined when the group is not served. */
export function apiGroup(group: string): APIGroup | undefined {
  const served = servedGroups().find((g) => g.name === group && group !== "");
  return served && { kind: "APIGroup", apiVersion: "v1", ...apiGroupOf(served) };
}

/**
 * GET /api/v1 and /apis/{group}/{version}: each resource and, as its own entry, each
 * subresource (`pods/status`, `deployments/scale`), sorted by name as Kubernetes serves them.
 * Undefined when the group-version is not served.
 */
export function apiResourceList(group: string, version: string): APIResourceList | undefined {
  const gv = groupVersions().find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  const resources: APIResource[] = [];
  for (const info of gv.kinds) {
    resources.push(resourceOf(info));
    for (const sub of info.subresources) resources.push(subresourceOf(info, sub));
  }
  resources.sort((a, b) => compare(a.name, b.name));
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: gv.groupVersion, resources };
}

/**
 * Aggregated discovery (apidiscovery.k8s.io/v2): GET /api ("core") or /apis ("apis") answered
 * with every resource of every version at once, which saves kubectl one request per group-version.
 */
export function aggregatedDiscovery(kind: "core" | "apis"): APIGroupDiscoveryList {
  const items: APIGroupDiscovery[] = [];
  for (const group of servedGroups()) {
    if ((kind === "core") !== (group.name === "")) continue;
    items.push({
      metadata: group.name === "" ? {} : { name: group.name },
      versions: group.versions.map((v) => ({
        version: v.version,
        resources: v.kinds.map(resourceDiscoveryOf).sort((a, b) => compare(a.resource, b.resource)),
        freshness: "Current",
      })),
    });
  }
  return { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items };
}

/**
 * Kubernetes' storage version hash: the first 8 bytes of sha256("group/version/kind"), base64.
 * Clients use it only to notice that a resource's storage version changed.
 */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash("sha256")
    .update(`${group}/${version}/${kind}`)
    .digest()
    .subarray(0, 8)
    .toString("base64");
}

interface ServedGroup {
  name: string;
  /** Preferred version first. */
  versions: { version: string; groupVersion: string; kinds: readonly KindInfo[] }[];
}

/** The registry's group-versions gathered by group, in registry order (its first version preferred). */
function servedGroups(): ServedGroup[] {
  const groups: ServedGroup[] = [];
  for (const gv of groupVersions()) {
    let group = groups.find((g) => g.name === gv.group);
    if (!group) {
      group = { name: gv.group, versions: [] };
      groups.push(group);
    }
    group.versions.push({ version: gv.version, groupVersion: gv.groupVersion, kinds: gv.kinds });
  }
  return groups;
}

function apiGroupOf(group: ServedGroup): APIGroup {
  const versions = group.versions.map((v) => ({ groupVersion: v.groupVersion, version: v.version }));
  return { name: group.name, versions, preferredVersion: versions[0] as GroupVersionForDiscovery };
}

function resourceOf(info: KindInfo): APIResource {
  const resource: APIResource = {
    name: info.plural,
    singularName: info.singular,
    namespaced: info.namespaced,
    kind: info.kind,
    verbs: [...info.verbs],
  };
  if (info.shortNames.length > 0) resource.shortNames = [...info.shortNames];
  if (info.categories.length > 0) resource.categories = [...info.categories];
  resource.storageVersionHash = storageVersionHash(info.group, info.version, info.kind);
  return resource;
}

function subresourceOf(parent: KindInfo, sub: SubresourceInfo): APIResource {
  const resource: APIResource = {
    name: `${parent.plural}/${sub.name}`,
    singularName: "",
    namespaced: parent.namespaced,
    kind: sub.kind,
    verbs: [...sub.verbs],
  };
  if (sub.group !== parent.group || sub.version !== parent.version) {
    resource.group = sub.group;
    resource.version = sub.version;
  }
  return resource;
}

function resourceDiscoveryOf(info: KindInfo): APIResourceDiscovery {
  const resource: APIResourceDiscovery = {
    resource: info.plural,
    responseKind: { group: info.group, version: info.version, kind: info.kind },
    scope: info.namespaced ? "Namespaced" : "Cluster",
    singularResource: info.singular,
    verbs: [...info.verbs],
  };
  if (info.shortNames.length > 0) resource.shortNames = [...info.shortNames];
  if (info.categories.length > 0) resource.categories = [...info.categories];
  if (info.subresources.length > 0) {
    resource.subresources = info.subresources.map((sub) => ({
      subresource: sub.name,
      responseKind: { group: sub.group, version: sub.version, kind: sub.kind },
      verbs: [...sub.verbs],
    }));
  }
  return resource;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import type { Endpoints, Namespace, Node, Secret, Service } from "../schemas/core.js";

const CLIENT_IP_AFFINITY_SECONDS = 10800;

/** `SetDefaults_Service`. */
export function defaultService(svc: Service): void {
  const spec = svc.spec;
  spec.sessionAffinity ??= "None";
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (
    spec.sessionAffinity === "ClientIP" &&
    spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined
  ) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: CLIENT_IP_AFFINITY_SECONDS } };
  }
  spec.type ??= "ClusterIP";
  for (const port of spec.ports ?? []) {
    port.protocol ??= "TCP";
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === "")
      port.targetPort = port.port;
  }
  const external =
    spec.type === "NodePort" ||
    spec.type === "LoadBalancer" ||
    (spec.type === "ClusterIP" && (spec.externalIPs ?? []).length > 0);
  if (external) spec.externalTrafficPolicy ??= "Cluster";
  if (spec.type !== "ExternalName") spec.internalTrafficPolicy ??= "Cluster";
  if (spec.type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
}

/**
 * Namespaces: the `kubernetes.io/metadata.name` label and phase Active, as `SetDefaults_Namespace`;
 * and the `kubernetes` finalizer, which Kubernetes adds on create. It is added only when
 * spec.finalizers is absent, so a namespace whose finalizers were emptied stays empty.
 */
export function defaultNamespace(ns: Namespace): void {
  const name = ns.metadata.name;
  if (name) ns.metadata.labels = { ...ns.metadata.labels, "kubernetes.io/metadata.name": name };
  ns.spec ??= {};
  const spec = ns.spec;
  spec.finalizers ??= ["kubernetes"];
  ns.status ??= {};
  const status = ns.status;
  status.phase ??= "Active";
}

/** Secrets default to type Opaque; `stringData` is folded into `data`, winning on conflicts. */
export function defaultSecret(secret: Secret): void {
  secret.type ??= "Opaque";
  if (secret.stringData) {
    secret.data ??= {};
    const data = secret.data;
    for (const [k, v] of Object.entries(secret.stringData))
      data[k] = Buffer.from(v, "utf8").toString("base64");
    delete secret.stringData;
  }
}

/** A node that reports no allocatable resources can allocate all its capacity. */
export function defaultNode(node: Node): void {
  // Kubernetes stores podCIDRs only (its v1 conversion): podCIDR alone becomes podCIDRs, and is
  // always read back as podCIDRs[0], so the two never disagree.
  if (node.spec?.podCIDR && !node.spec.podCIDRs?.length) node.spec.podCIDRs = [node.spec.podCIDR];
  else if (node.spec?.podCIDRs?.length) node.spec.podCIDR = node.spec.podCIDRs[0];
  if (node.status?.capacity && !node.status.allocatable)
    node.status.allocatable = { ...node.status.capacity };
}

export function defaultEndpoints(ep: Endpoints): void {
  for (const subset of ep.subsets ?? []) for (const port of subset.ports ?? []) port.protocol ??= "TCP";
}

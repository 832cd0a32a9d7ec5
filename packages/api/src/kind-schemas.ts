import type { z } from "zod";
import { allKinds, type GroupVersionKind, type KindInfo } from "./registry.js";
import { Deployment, DeploymentList, ReplicaSet, ReplicaSetList } from "./schemas/apps.js";
import { HorizontalPodAutoscaler, HorizontalPodAutoscalerList, Scale } from "./schemas/autoscaling.js";
import { CronJob, CronJobList, Job, JobList } from "./schemas/batch.js";
import { Lease, LeaseList } from "./schemas/coordination.js";
import {
  Binding,
  ConfigMap,
  ConfigMapList,
  Endpoints,
  EndpointsList,
  Event,
  EventList,
  Namespace,
  NamespaceList,
  Node,
  NodeList,
  Pod,
  PodList,
  Secret,
  SecretList,
  Service,
  ServiceList,
} from "./schemas/core.js";
import { DeleteOptions, PartialObjectMetadata, Status, Table } from "./schemas/meta.js";
import { Eviction, PodDisruptionBudget, PodDisruptionBudgetList } from "./schemas/policy.js";

/** A stored kind's schema and its list's. */
type Pair = readonly [kind: z.ZodType, list: z.ZodType];

/** Each stored kind's schemas by "group/version/Kind" (the core group is ""). */
const STORED: ReadonlyMap<string, Pair> = new Map<string, Pair>([
  ["/v1/Namespace", [Namespace, NamespaceList]],
  ["/v1/Pod", [Pod, PodList]],
  ["/v1/Node", [Node, NodeList]],
  ["/v1/Service", [Service, ServiceList]],
  ["/v1/Endpoints", [Endpoints, EndpointsList]],
  ["/v1/ConfigMap", [ConfigMap, ConfigMapList]],
  ["/v1/Secret", [Secret, SecretList]],
  ["/v1/Event", [Event, EventList]],
  ["apps/v1/Deployment", [Deployment, DeploymentList]],
  ["apps/v1/ReplicaSet", [ReplicaSet, ReplicaSetList]],
  ["autoscaling/v2/HorizontalPodAutoscaler", [HorizontalPodAutoscaler, HorizontalPodAutoscalerList]],
  ["batch/v1/Job", [Job, JobList]],
  ["batch/v1/CronJob", [CronJob, CronJobList]],
  ["coordination.k8s.io/v1/Lease", [Lease, LeaseList]],
  ["policy/v1/PodDisruptionBudget", [PodDisruptionBudget, PodDisruptionBudgetList]],
]);

/**
 * Kinds that travel in request or response bodies but are never stored: subresource bodies,
 * errors, delete options and server-side printing. `decodeObject` accepts them too.
 */
const BODY_ONLY: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ["/v1/Binding", Binding],
  ["autoscaling/v1/Scale", Scale],
  ["policy/v1/Eviction", Eviction],
  ["/v1/Status", Status],
  ["/v1/DeleteOptions", DeleteOptions],
  ["meta.k8s.io/v1/DeleteOptions", DeleteOptions],
  ["meta.k8s.io/v1/Table", Table],
  ["meta.k8s.io/v1/PartialObjectMetadata", PartialObjectMetadata],
]);

function key(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}

/** Every list kind's schema, keyed like STORED, derived so the two never disagree. */
const LISTS: ReadonlyMap<string, z.ZodType> = new Map(
  allKinds().flatMap((k) => {
    const pair = STORED.get(key(k));
    return pair ? [[key({ ...k, kind: k.listKind }), pair[1]] as const] : [];
  }),
);

/** The schema of a stored kind; throws if the registry and this table disagree. */
export function kindSchema(info: KindInfo): z.ZodType {
  return storedPair(info)[0];
}

/** The schema of a stored kind's list; throws if the registry and this table disagree. */
export function kindListSchema(info: KindInfo): z.ZodType {
  return storedPair(info)[1];
}

function storedPair(info: KindInfo): Pair {
  const pair = STORED.get(key(info));
  if (!pair) throw new Error(`no schema for ${info.kind} in ${info.group || "core"}/${info.version}`);
  return pair;
}

/** The schema of any kind a body may carry: stored kinds, their lists, and the body-only kinds. */
export function schemaFor(gvk: GroupVersionKind): z.ZodType | undefined {
  const k = key(gvk);
  return STORED.get(k)?.[0] ?? LISTS.get(k) ?? BODY_ONLY.get(k);
}

import { z } from "zod";
import { Int, StringMap, Time } from "./primitives.js";

export const OwnerReference = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});
export type OwnerReference = z.infer<typeof OwnerReference>;

/** Server-side apply bookkeeping: kept as written, never interpreted here. */
export const ManagedFieldsEntry = z.looseObject({});

export const ObjectMeta = z.strictObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  selfLink: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: Int.optional(),
  creationTimestamp: Time.optional(),
  deletionTimestamp: Time.optional(),
  deletionGracePeriodSeconds: Int.optional(),
  labels: StringMap.optional(),
  annotations: StringMap.optional(),
  ownerReferences: z.array(OwnerReference).optional(),
  finalizers: z.array(z.string()).optional(),
  managedFields: z.array(ManagedFieldsEntry).optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;

/** Go decodes a missing `metadata` as the zero ObjectMeta; so do we. */
export const ObjectMetaOrEmpty = ObjectMeta.default(() => ({}));

export const ListMeta = z.strictObject({
  selfLink: z.string().optional(),
  resourceVersion: z.string().optional(),
  continue: z.string().optional(),
  remainingItemCount: Int.optional(),
});
export type ListMeta = z.infer<typeof ListMeta>;

export const LabelSelectorRequirement = z.strictObject({
  key: z.string(),
  operator: z.string(),
  values: z.array(z.string()).optional(),
});
export type LabelSelectorRequirement = z.infer<typeof LabelSelectorRequirement>;

export const LabelSelector = z.strictObject({
  matchLabels: StringMap.optional(),
  matchExpressions: z.array(LabelSelectorRequirement).optional(),
});
export type LabelSelector = z.infer<typeof LabelSelector>;

/** `metav1.Condition`, the condition shape newer APIs share. */
export const Condition = z.strictObject({
  type: z.string(),
  status: z.enum(["True", "False", "Unknown"]),
  observedGeneration: Int.optional(),
  lastTransitionTime: Time.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type Condition = z.infer<typeof Condition>;

export const StatusCause = z.strictObject({
  reason: z.string().optional(),
  message: z.string().optional(),
  field: z.string().optional(),
});
export type StatusCause = z.infer<typeof StatusCause>;

export const StatusDetails = z.strictObject({
  name: z.string().optional(),
  group: z.string().optional(),
  kind: z.string().optional(),
  uid: z.string().optional(),
  causes: z.array(StatusCause).optional(),
  retryAfterSeconds: Int.optional(),
});
export type StatusDetails = z.infer<typeof StatusDetails>;

/** The body of every API error, and of some successful deletes. */
export const Status = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Status"),
  metadata: ListMeta.optional(),
  status: z.enum(["Success", "Failure"]).optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  details: StatusDetails.optional(),
  code: Int.optional(),
});
export type Status = z.infer<typeof Status>;

export const Preconditions = z.strictObject({
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
});

/**
 * The optional body of a DELETE. Clients send it as `v1` or `meta.k8s.io/v1`, or with no type at
 * all, so apiVersion and kind are free here.
 */
export const DeleteOptions = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  gracePeriodSeconds: Int.optional(),
  preconditions: Preconditions.optional(),
  orphanDependents: z.boolean().optional(),
  propagationPolicy: z.enum(["Orphan", "Background", "Foreground"]).optional(),
  dryRun: z.array(z.string()).optional(),
  ignoreStoreReadErrorWithClusterBreakingPotential: z.boolean().optional(),
});
export type DeleteOptions = z.infer<typeof DeleteOptions>;

export const PartialObjectMetadata = z.strictObject({
  apiVersion: z.literal("meta.k8s.io/v1"),
  kind: z.literal("PartialObjectMetadata"),
  metadata: ObjectMetaOrEmpty,
});
export type PartialObjectMetadata = z.infer<typeof PartialObjectMetadata>;

export const PartialObjectMetadataList = z.strictObject({
  apiVersion: z.literal("meta.k8s.io/v1"),
  kind: z.literal("PartialObjectMetadataList"),
  metadata: ListMeta.optional(),
  items: z.array(PartialObjectMetadata),
});
export type PartialObjectMetadataList = z.infer<typeof PartialObjectMetadataList>;

export const TableColumnDefinition = z.strictObject({
  name: z.string(),
  type: z.string(),
  format: z.string(),
  description: z.string(),
  priority: Int,
});
export type TableColumnDefinition = z.infer<typeof TableColumnDefinition>;

export const TableRowCondition = z.strictObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

/** A row's `object` is a RawExtension: PartialObjectMetadata or the whole object, as requested. */
export const TableRow = z.strictObject({
  cells: z.array(z.unknown()),
  conditions: z.array(TableRowCondition).optional(),
  object: z.unknown().optional(),
});
export type TableRow = z.infer<typeof TableRow>;

/** Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`). */
export const Table = z.strictObject({
  apiVersion: z.literal("meta.k8s.io/v1"),
  kind: z.literal("Table"),
  metadata: ListMeta.optional(),
  columnDefinitions: z.array(TableColumnDefinition),
  rows: z.array(TableRow),
});
export type Table = z.infer<typeof Table>;

export const WatchEventType = z.enum(["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"]);
export type WatchEventType = z.infer<typeof WatchEventType>;

/** One line of a watch stream; `object` is the resource, or a Status for ERROR. */
export const WatchEvent = z.strictObject({
  type: WatchEventType,
  object: z.record(z.string(), z.unknown()),
});
export type WatchEvent = z.infer<typeof WatchEvent>;

/** A watch event whose object is checked against one kind's schema. */
export function watchEventOf<T extends z.ZodType>(object: T) {
  return z.strictObject({ type: WatchEventType, object: z.union([object, Status]) });
}

import { z } from "zod";
import { PodTemplateSpec } from "./core.js";
import { listOf } from "./list.js";
import { LabelSelector, ObjectMetaOrEmpty } from "./meta.js";
import { Int, IntOrString, Time } from "./primitives.js";

export const DeploymentStrategy = z.strictObject({
  type: z.enum(["Recreate", "RollingUpdate"]).optional(),
  rollingUpdate: z
    .strictObject({ maxUnavailable: IntOrString.optional(), maxSurge: IntOrString.optional() })
    .optional(),
});
export type DeploymentStrategy = z.infer<typeof DeploymentStrategy>;

export const DeploymentSpec = z.strictObject({
  replicas: Int.optional(),
  selector: LabelSelector,
  template: PodTemplateSpec,
  strategy: DeploymentStrategy.optional(),
  minReadySeconds: Int.optional(),
  revisionHistoryLimit: Int.optional(),
  paused: z.boolean().optional(),
  progressDeadlineSeconds: Int.optional(),
});
export type DeploymentSpec = z.infer<typeof DeploymentSpec>;

export const DeploymentCondition = z.strictObject({
  type: z.string(),
  status: z.enum(["True", "False", "Unknown"]),
  lastUpdateTime: Time.optional(),
  lastTransitionTime: Time.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type DeploymentCondition = z.infer<typeof DeploymentCondition>;

export const DeploymentStatus = z.strictObject({
  observedGeneration: Int.optional(),
  replicas: Int.optional(),
  updatedReplicas: Int.optional(),
  readyReplicas: Int.optional(),
  availableReplicas: Int.optional(),
  unavailableReplicas: Int.optional(),
  terminatingReplicas: Int.optional(),
  conditions: z.array(DeploymentCondition).optional(),
  collisionCount: Int.optional(),
});
export type DeploymentStatus = z.infer<typeof DeploymentStatus>;

export const Deployment = z.strictObject({
  apiVersion: z.literal("apps/v1"),
  kind: z.literal("Deployment"),
  metadata: ObjectMetaOrEmpty,
  spec: DeploymentSpec,
  status: DeploymentStatus.optional(),
});
export type Deployment = z.infer<typeof Deployment>;
export const DeploymentList = listOf("apps/v1", "DeploymentList", Deployment);
export type DeploymentList = z.infer<typeof DeploymentList>;

export const ReplicaSetSpec = z.strictObject({
  replicas: Int.optional(),
  minReadySeconds: Int.optional(),
  selector: LabelSelector,
  template: PodTemplateSpec,
});
export type ReplicaSetSpec = z.infer<typeof ReplicaSetSpec>;

export const ReplicaSetCondition = z.strictObject({
  type: z.string(),
  status: z.enum(["True", "False", "Unknown"]),
  lastTransitionTime: Time.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const ReplicaSetStatus = z.strictObject({
  replicas: Int,
  fullyLabeledReplicas: Int.optional(),
  readyReplicas: Int.optional(),
  availableReplicas: Int.optional(),
  terminatingReplicas: Int.optional(),
  observedGeneration: Int.optional(),
  conditions: z.array(ReplicaSetCondition).optional(),
});
export type ReplicaSetStatus = z.infer<typeof ReplicaSetStatus>;

export const ReplicaSet = z.strictObject({
  apiVersion: z.literal("apps/v1"),
  kind: z.literal("ReplicaSet"),
  metadata: ObjectMetaOrEmpty,
  spec: ReplicaSetSpec,
  status: ReplicaSetStatus.optional(),
});
export type ReplicaSet = z.infer<typeof ReplicaSet>;
export const ReplicaSetList = listOf("apps/v1", "ReplicaSetList", ReplicaSet);
export type ReplicaSetList = z.infer<typeof ReplicaSetList>;

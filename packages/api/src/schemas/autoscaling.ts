import { z } from "zod";
import { listOf } from "./list.js";
import { LabelSelector, ObjectMetaOrEmpty } from "./meta.js";
import { Int, QuantityText, Time } from "./primitives.js";

export const CrossVersionObjectReference = z.strictObject({
  kind: z.string(),
  name: z.string(),
  apiVersion: z.string().optional(),
});
export type CrossVersionObjectReference = z.infer<typeof CrossVersionObjectReference>;

export const MetricTarget = z.strictObject({
  type: z.enum(["Utilization", "Value", "AverageValue"]),
  value: QuantityText.optional(),
  averageValue: QuantityText.optional(),
  averageUtilization: Int.optional(),
});
export type MetricTarget = z.infer<typeof MetricTarget>;

export const MetricValueStatus = z.strictObject({
  value: QuantityText.optional(),
  averageValue: QuantityText.optional(),
  averageUtilization: Int.optional(),
});

export const MetricIdentifier = z.strictObject({
  name: z.string(),
  selector: LabelSelector.optional(),
});

export const MetricSourceType = z.enum(["Object", "Pods", "Resource", "ContainerResource", "External"]);

export const MetricSpec = z.strictObject({
  type: MetricSourceType,
  object: z
    .strictObject({
      describedObject: CrossVersionObjectReference,
      target: MetricTarget,
      metric: MetricIdentifier,
    })
    .optional(),
  pods: z.strictObject({ metric: MetricIdentifier, target: MetricTarget }).optional(),
  resource: z.strictObject({ name: z.string(), target: MetricTarget }).optional(),
  containerResource: z
    .strictObject({ name: z.string(), target: MetricTarget, container: z.string() })
    .optional(),
  external: z.strictObject({ metric: MetricIdentifier, target: MetricTarget }).optional(),
});
export type MetricSpec = z.infer<typeof MetricSpec>;

export const MetricStatus = z.strictObject({
  type: MetricSourceType,
  object: z
    .strictObject({
      describedObject: CrossVersionObjectReference,
      current: MetricValueStatus,
      metric: MetricIdentifier,
    })
    .optional(),
  pods: z.strictObject({ metric: MetricIdentifier, current: MetricValueStatus }).optional(),
  resource: z.strictObject({ name: z.string(), current: MetricValueStatus }).optional(),
  containerResource: z
    .strictObject({ name: z.string(), current: MetricValueStatus, container: z.string() })
    .optional(),
  external: z.strictObject({ metric: MetricIdentifier, current: MetricValueStatus }).optional(),
});
export type MetricStatus = z.infer<typeof MetricStatus>;

export const HPAScalingPolicy = z.strictObject({
  type: z.enum(["Pods", "Percent"]),
  value: Int,
  periodSeconds: Int,
});

export const HPAScalingRules = z.strictObject({
  stabilizationWindowSeconds: Int.optional(),
  selectPolicy: z.enum(["Max", "Min", "Disabled"]).optional(),
  policies: z.array(HPAScalingPolicy).optional(),
  tolerance: QuantityText.optional(),
});
export type HPAScalingRules = z.infer<typeof HPAScalingRules>;

export const HorizontalPodAutoscalerSpec = z.strictObject({
  scaleTargetRef: CrossVersionObjectReference,
  minReplicas: Int.optional(),
  maxReplicas: Int,
  metrics: z.array(MetricSpec).optional(),
  behavior: z
    .strictObject({ scaleUp: HPAScalingRules.optional(), scaleDown: HPAScalingRules.optional() })
    .optional(),
});
export type HorizontalPodAutoscalerSpec = z.infer<typeof HorizontalPodAutoscalerSpec>;

export const HorizontalPodAutoscalerCondition = z.strictObject({
  type: z.string(),
  status: z.enum(["True", "False", "Unknown"]),
  lastTransitionTime: Time.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const HorizontalPodAutoscalerStatus = z.strictObject({
  observedGeneration: Int.optional(),
  lastScaleTime: Time.optional(),
  currentReplicas: Int.optional(),
  desiredReplicas: Int,
  currentMetrics: z.array(MetricStatus).optional(),
  conditions: z.array(HorizontalPodAutoscalerCondition).optional(),
});
export type HorizontalPodAutoscalerStatus = z.infer<typeof HorizontalPodAutoscalerStatus>;

export const HorizontalPodAutoscaler = z.strictObject({
  apiVersion: z.literal("autoscaling/v2"),
  kind: z.literal("HorizontalPodAutoscaler"),
  metadata: ObjectMetaOrEmpty,
  spec: HorizontalPodAutoscalerSpec,
  status: HorizontalPodAutoscalerStatus.optional(),
});
export type HorizontalPodAutoscaler = z.infer<typeof HorizontalPodAutoscaler>;
export const HorizontalPodAutoscalerList = listOf(
  "autoscaling/v2",
  "HorizontalPodAutoscalerList",
  HorizontalPodAutoscaler,
);
export type HorizontalPodAutoscalerList = z.infer<typeof HorizontalPodAutoscalerList>;

/** The `scale` subresource of Deployments and ReplicaSets, as `kubectl scale` reads and patches it. */
export const Scale = z.strictObject({
  apiVersion: z.literal("autoscaling/v1"),
  kind: z.literal("Scale"),
  metadata: ObjectMetaOrEmpty,
  spec: z.strictObject({ replicas: Int.optional() }).optional(),
  status: z.strictObject({ replicas: Int, selector: z.string().optional() }).optional(),
});
export type Scale = z.infer<typeof Scale>;

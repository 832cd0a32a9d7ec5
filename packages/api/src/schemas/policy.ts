import { z } from "zod";
import { listOf } from "./list.js";
import { Condition, DeleteOptions, LabelSelector, ObjectMetaOrEmpty } from "./meta.js";
import { Int, IntOrString, Time } from "./primitives.js";

/** policy/v1 `UnhealthyPodEvictionPolicyType`. */
export const UNHEALTHY_POD_EVICTION_POLICIES = ["IfHealthyBudget", "AlwaysAllow"] as const;

export const PodDisruptionBudgetSpec = z.strictObject({
  minAvailable: IntOrString.optional(),
  selector: LabelSelector.optional(),
  maxUnavailable: IntOrString.optional(),
  // A free string here so validation answers Kubernetes' NotSupported, not a schema error.
  unhealthyPodEvictionPolicy: z.string().optional(),
});
export type PodDisruptionBudgetSpec = z.infer<typeof PodDisruptionBudgetSpec>;

export const PodDisruptionBudgetStatus = z.strictObject({
  observedGeneration: Int.optional(),
  /** Pods the eviction API deleted that the controller has not yet seen go: name -> when. */
  disruptedPods: z.record(z.string(), Time).optional(),
  disruptionsAllowed: Int,
  currentHealthy: Int,
  desiredHealthy: Int,
  expectedPods: Int,
  conditions: z.array(Condition).optional(),
});
export type PodDisruptionBudgetStatus = z.infer<typeof PodDisruptionBudgetStatus>;

export const PodDisruptionBudget = z.strictObject({
  apiVersion: z.literal("policy/v1"),
  kind: z.literal("PodDisruptionBudget"),
  metadata: ObjectMetaOrEmpty,
  spec: PodDisruptionBudgetSpec.default(() => ({})),
  status: PodDisruptionBudgetStatus.optional(),
});
export type PodDisruptionBudget = z.infer<typeof PodDisruptionBudget>;
export const PodDisruptionBudgetList = listOf("policy/v1", "PodDisruptionBudgetList", PodDisruptionBudget);
export type PodDisruptionBudgetList = z.infer<typeof PodDisruptionBudgetList>;

/** The body of `POST .../pods/NAME/eviction`: which pod, and how to delete it. */
export const Eviction = z.strictObject({
  apiVersion: z.literal("policy/v1"),
  kind: z.literal("Eviction"),
  metadata: ObjectMetaOrEmpty,
  deleteOptions: DeleteOptions.optional(),
});
export type Eviction = z.infer<typeof Eviction>;

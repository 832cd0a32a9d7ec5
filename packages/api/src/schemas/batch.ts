import { z } from "zod";
import { ObjectReference, PodTemplateSpec } from "./core.js";
import { listOf } from "./list.js";
import { LabelSelector, ObjectMeta, ObjectMetaOrEmpty } from "./meta.js";
import { Int, Time } from "./primitives.js";

export const PodFailurePolicyRule = z.strictObject({
  action: z.enum(["FailJob", "FailIndex", "Ignore", "Count"]),
  onExitCodes: z
    .strictObject({
      containerName: z.string().optional(),
      operator: z.enum(["In", "NotIn"]),
      values: z.array(Int),
    })
    .optional(),
  onPodConditions: z
    .array(z.strictObject({ type: z.string(), status: z.enum(["True", "False", "Unknown"]).optional() }))
    .optional(),
});

export const JobSpec = z.strictObject({
  parallelism: Int.optional(),
  completions: Int.optional(),
  activeDeadlineSeconds: Int.optional(),
  podFailurePolicy: z.strictObject({ rules: z.array(PodFailurePolicyRule) }).optional(),
  successPolicy: z
    .strictObject({
      rules: z.array(
        z.strictObject({ succeededIndexes: z.string().optional(), succeededCount: Int.optional() }),
      ),
    })
    .optional(),
  backoffLimit: Int.optional(),
  backoffLimitPerIndex: Int.optional(),
  maxFailedIndexes: Int.optional(),
  selector: LabelSelector.optional(),
  manualSelector: z.boolean().optional(),
  template: PodTemplateSpec,
  ttlSecondsAfterFinished: Int.optional(),
  completionMode: z.enum(["NonIndexed", "Indexed"]).optional(),
  suspend: z.boolean().optional(),
  podReplacementPolicy: z.enum(["TerminatingOrFailed", "Failed"]).optional(),
  managedBy: z.string().optional(),
});
export type JobSpec = z.infer<typeof JobSpec>;

export const JobCondition = z.strictObject({
  type: z.string(),
  status: z.enum(["True", "False", "Unknown"]),
  lastProbeTime: Time.optional(),
  lastTransitionTime: Time.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type JobCondition = z.infer<typeof JobCondition>;

export const JobStatus = z.strictObject({
  conditions: z.array(JobCondition).optional(),
  startTime: Time.optional(),
  completionTime: Time.optional(),
  active: Int.optional(),
  succeeded: Int.optional(),
  failed: Int.optional(),
  terminating: Int.optional(),
  completedIndexes: z.string().optional(),
  failedIndexes: z.string().optional(),
  uncountedTerminatedPods: z
    .strictObject({ succeeded: z.array(z.string()).optional(), failed: z.array(z.string()).optional() })
    .optional(),
  ready: Int.optional(),
});
export type JobStatus = z.infer<typeof JobStatus>;

export const Job = z.strictObject({
  apiVersion: z.literal("batch/v1"),
  kind: z.literal("Job"),
  metadata: ObjectMetaOrEmpty,
  spec: JobSpec,
  status: JobStatus.optional(),
});
export type Job = z.infer<typeof Job>;
export const JobList = listOf("batch/v1", "JobList", Job);
export type JobList = z.infer<typeof JobList>;

export const JobTemplateSpec = z.strictObject({
  metadata: ObjectMeta.optional(),
  spec: JobSpec,
});
export type JobTemplateSpec = z.infer<typeof JobTemplateSpec>;

export const CronJobSpec = z.strictObject({
  schedule: z.string(),
  timeZone: z.string().optional(),
  startingDeadlineSeconds: Int.optional(),
  concurrencyPolicy: z.enum(["Allow", "Forbid", "Replace"]).optional(),
  suspend: z.boolean().optional(),
  jobTemplate: JobTemplateSpec,
  successfulJobsHistoryLimit: Int.optional(),
  failedJobsHistoryLimit: Int.optional(),
});
export type CronJobSpec = z.infer<typeof CronJobSpec>;

export const CronJobStatus = z.strictObject({
  active: z.array(ObjectReference).optional(),
  lastScheduleTime: Time.optional(),
  lastSuccessfulTime: Time.optional(),
});
export type CronJobStatus = z.infer<typeof CronJobStatus>;

export const CronJob = z.strictObject({
  apiVersion: z.literal("batch/v1"),
  kind: z.literal("CronJob"),
  metadata: ObjectMetaOrEmpty,
  spec: CronJobSpec,
  status: CronJobStatus.optional(),
});
export type CronJob = z.infer<typeof CronJob>;
export const CronJobList = listOf("batch/v1", "CronJobList", CronJob);
export type CronJobList = z.infer<typeof CronJobList>;

import type { Deployment, ReplicaSet } from "../schemas/apps.js";
import type { CronJob, Job } from "../schemas/batch.js";
import { defaultPodTemplate } from "./pod.js";

/** `SetDefaults_Deployment` (apps/v1); the selector is left as written. */
export function defaultDeployment(d: Deployment): void {
  const spec = d.spec;
  spec.replicas ??= 1;
  spec.strategy ??= {};
  const strategy = spec.strategy;
  strategy.type ??= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    strategy.rollingUpdate ??= {};
    const ru = strategy.rollingUpdate;
    ru.maxUnavailable ??= "25%";
    ru.maxSurge ??= "25%";
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template);
}

export function defaultReplicaSet(rs: ReplicaSet): void {
  rs.spec.replicas ??= 1;
  defaultPodTemplate(rs.spec.template);
}

/**
 * `SetDefaults_Job` (batch/v1). Completions default to 1 only when parallelism is unset too: a
 * Job with parallelism and no completions is a work queue. The template's restartPolicy is
 * defaulted like any pod spec's (to Always), which validation then refuses, as Kubernetes does.
 */
export function defaultJob(job: Job): void {
  const spec = job.spec;
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? "Failed" : "TerminatingOrFailed";
  const templateLabels = spec.template.metadata?.labels;
  if (templateLabels && Object.keys(job.metadata.labels ?? {}).length === 0) {
    job.metadata.labels = { ...templateLabels };
  }
  defaultPodTemplate(spec.template);
}

/** `SetDefaults_CronJob`; the job template gets pod spec defaults only, as in Kubernetes. */
export function defaultCronJob(cj: CronJob): void {
  const spec = cj.spec;
  spec.concurrencyPolicy ??= "Allow";
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  defaultPodTemplate(spec.jobTemplate.spec.template);
}

import { nameIsDNSSubdomain } from "../names.js";
import type { CronJob, Job, JobSpec } from "../schemas/batch.js";
import { type FieldError, invalid, notSupported, required } from "./field-error.js";
import { child } from "./field-path.js";
import { nonNegative } from "./numbers.js";
import { immutable, validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { validatePodTemplateSpec } from "./pod.js";
import { validateLabelSelector } from "./selector.js";
import { validateTemplateMatchesSelector } from "./workload.js";

const COMPLETION_MODES = ["NonIndexed", "Indexed"];
const CONCURRENCY_POLICIES = ["Allow", "Forbid", "Replace"];
// A CronJob's name gets an 11-character suffix in its Jobs' names, which are label values.
const CRONJOB_NAME_MAX = 52;

/**
 * `ValidateJobSpec`. The selector is checked when present: the apiserver generates it from the
 * Job's uid on create, as Kubernetes' job strategy does.
 */
export function validateJobSpec(spec: JobSpec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of [
    "parallelism",
    "completions",
    "activeDeadlineSeconds",
    "backoffLimit",
    "ttlSecondsAfterFinished",
  ] as const) {
    errs.push(...nonNegative(spec[f], child(field, f)));
  }
  if (spec.completionMode !== undefined && !COMPLETION_MODES.includes(spec.completionMode)) {
    errs.push(notSupported(child(field, "completionMode"), spec.completionMode, COMPLETION_MODES));
  }
  if (spec.completionMode === "Indexed" && spec.completions === undefined) {
    errs.push(required(child(field, "completions"), "when completion mode is Indexed"));
  }
  if (spec.selector) {
    errs.push(...validateLabelSelector(spec.selector, child(field, "selector")));
    errs.push(...validateTemplateMatchesSelector(spec.template, spec.selector, child(field, "template")));
  }
  errs.push(...validatePodTemplateSpec(spec.template, child(field, "template")));
  // An absent restartPolicy defaults to Always, which a Job refuses: Kubernetes' message either way.
  const policy = spec.template.spec.restartPolicy;
  if (policy !== "OnFailure" && policy !== "Never") {
    errs.push(
      required(child(field, "template", "spec", "restartPolicy"), 'valid values: "OnFailure", "Never"'),
    );
  }
  return errs;
}

export function validateJob(job: Job): FieldError[] {
  return [
    ...validateObjectMeta(job.metadata, { namespaced: true, name: nameIsDNSSubdomain }),
    ...validateJobSpec(job.spec, "spec"),
  ];
}

/** A Job's selector and pod template are fixed once it exists. */
export function validateJobUpdate(n: Job, o: Job): FieldError[] {
  return [
    ...validateObjectMetaUpdate(n.metadata, o.metadata),
    ...immutable(n.spec.selector, o.spec.selector, "spec.selector"),
    ...immutable(n.spec.template, o.spec.template, "spec.template"),
    ...immutable(n.spec.completions, o.spec.completions, "spec.completions"),
    ...immutable(n.spec.completionMode, o.spec.completionMode, "spec.completionMode"),
  ];
}

/** The schedule must be present; its cron syntax is checked where it is parsed. */
export function validateCronJob(cj: CronJob): FieldError[] {
  const errs = validateObjectMeta(cj.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const name = cj.metadata.name;
  if (name && name.length > CRONJOB_NAME_MAX) {
    errs.push(invalid("metadata.name", name, `must be no more than ${CRONJOB_NAME_MAX} characters`));
  }
  const spec = cj.spec;
  if (!spec.schedule) errs.push(required("spec.schedule"));
  if (spec.concurrencyPolicy !== undefined && !CONCURRENCY_POLICIES.includes(spec.concurrencyPolicy)) {
    errs.push(notSupported("spec.concurrencyPolicy", spec.concurrencyPolicy, CONCURRENCY_POLICIES));
  }
  if (spec.timeZone !== undefined && spec.timeZone !== "" && !isTimeZone(spec.timeZone)) {
    errs.push(invalid("spec.timeZone", spec.timeZone, "unknown time zone " + spec.timeZone));
  }
  for (const f of [
    "startingDeadlineSeconds",
    "successfulJobsHistoryLimit",
    "failedJobsHistoryLimit",
  ] as const) {
    errs.push(...nonNegative(spec[f], `spec.${f}`));
  }
  errs.push(...validateJobSpec(spec.jobTemplate.spec, "spec.jobTemplate.spec"));
  return errs;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function validateCronJobUpdate(n: CronJob, o: CronJob): FieldError[] {
  return validateObjectMetaUpdate(n.metadata, o.metadata);
}

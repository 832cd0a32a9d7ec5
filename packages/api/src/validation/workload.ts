import type { PodTemplateSpec } from "../schemas/core.js";
import type { LabelSelector } from "../schemas/meta.js";
import { type FieldError, forbidden, invalid, notSupported, required } from "./field-error.js";
import { child } from "./field-path.js";
import { validatePodTemplateSpec } from "./pod.js";
import { isEmptySelector, selectorMatches, validateLabelSelector } from "./selector.js";

export const SELECTOR_MISMATCH = "`selector` does not match template `labels`";

/** The selector of a Deployment or ReplicaSet: required, valid, and not empty. */
export function validateWorkloadSelector(selector: LabelSelector | undefined, field: string): FieldError[] {
  if (!selector) return [required(field)];
  const errs = validateLabelSelector(selector, field);
  if (isEmptySelector(selector))
    errs.push(invalid(field, selector, "empty selector is invalid for deployment"));
  return errs;
}

/** The template must carry the labels its owner selects, or the owner would never see its pods. */
export function validateTemplateMatchesSelector(
  template: PodTemplateSpec,
  selector: LabelSelector | undefined,
  field: string,
): FieldError[] {
  if (!selector || isEmptySelector(selector)) return [];
  const labels = template.metadata?.labels ?? {};
  return selectorMatches(selector, labels)
    ? []
    : [invalid(child(field, "metadata", "labels"), labels, SELECTOR_MISMATCH)];
}

/** `ValidatePodTemplateSpecForReplicaSet`: pods that run forever, selected by their owner. */
export function validateReplicatedTemplate(
  template: PodTemplateSpec | undefined,
  selector: LabelSelector | undefined,
  field: string,
): FieldError[] {
  if (!template) return [required(field)];
  const errs = validateTemplateMatchesSelector(template, selector, field);
  errs.push(...validatePodTemplateSpec(template, field));
  const policy = template.spec.restartPolicy ?? "Always";
  if (policy !== "Always") {
    errs.push(notSupported(child(field, "spec", "restartPolicy"), policy, ["Always"]));
  }
  if (template.spec.activeDeadlineSeconds !== undefined) {
    errs.push(
      forbidden(
        child(field, "spec", "activeDeadlineSeconds"),
        "activeDeadlineSeconds in ReplicaSet is not Supported",
      ),
    );
  }
  return errs;
}

import { nameIsDNSSubdomain } from "../names.js";
import type { Eviction, PodDisruptionBudget } from "../schemas/policy.js";
import { UNHEALTHY_POD_EVICTION_POLICIES } from "../schemas/policy.js";
import type { IntOrString } from "../schemas/primitives.js";
import { type FieldError, invalid, notSupported } from "./field-error.js";
import { child } from "./field-path.js";
import { nonNegative } from "./numbers.js";
import { validateObjectMeta } from "./object-meta.js";
import { validateLabelSelector } from "./selector.js";

const PERCENT_MESSAGE =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%', or '93%', regex used for validation is '[0-9]+%')";

/** `ValidatePositiveIntOrPercent` and `IsNotMoreThan100Percent`, as policy validation calls them. */
function validateBudgetValue(value: IntOrString | undefined, field: string): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === "number") return nonNegative(value, field);
  if (!/^[0-9]+%$/.test(value)) return [invalid(field, value, PERCENT_MESSAGE)];
  return Number.parseInt(value, 10) > 100 ? [invalid(field, value, "must not be greater than 100%")] : [];
}

/** `ValidatePodDisruptionBudget` (policy/v1) with its status rules. */
export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  const errs = validateObjectMeta(pdb.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const spec = pdb.spec;
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.push(invalid("spec", spec, "minAvailable and maxUnavailable cannot be both set"));
  }
  errs.push(...validateBudgetValue(spec.minAvailable, "spec.minAvailable"));
  errs.push(...validateBudgetValue(spec.maxUnavailable, "spec.maxUnavailable"));
  errs.push(...validateLabelSelector(spec.selector, "spec.selector"));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && !(UNHEALTHY_POD_EVICTION_POLICIES as readonly string[]).includes(policy)) {
    errs.push(notSupported("spec.unhealthyPodEvictionPolicy", policy, [...UNHEALTHY_POD_EVICTION_POLICIES]));
  }
  const status = pdb.status;
  if (status) {
    for (const f of ["disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"] as const) {
      errs.push(...nonNegative(status[f], child("status", f)));
    }
  }
  return errs;
}

/** An Eviction names the pod it evicts; the apiserver checks it against the path. */
export function validateEviction(eviction: Eviction): FieldError[] {
  return nonNegative(eviction.deleteOptions?.gracePeriodSeconds, "deleteOptions.gracePeriodSeconds");
}

import { nameIsDNSSubdomain } from "../names.js";
import type { Deployment, DeploymentStrategy, ReplicaSet } from "../schemas/apps.js";
import type { IntOrString } from "../schemas/primitives.js";
import { type FieldError, forbidden, invalid, notSupported } from "./field-error.js";
import { child } from "./field-path.js";
import { nonNegative } from "./numbers.js";
import { immutable, validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { validateReplicatedTemplate, validateWorkloadSelector } from "./workload.js";

const PERCENT_MESSAGE =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%', or '93%', regex used for validation is '[0-9]+%')";

function validatePositiveIntOrPercent(value: IntOrString | undefined, field: string): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === "number") return nonNegative(value, field);
  return /^[0-9]+%$/.test(value) ? [] : [invalid(field, value, PERCENT_MESSAGE)];
}

function intOrPercentValue(value: IntOrString | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return value;
  return /^[0-9]+%$/.test(value) ? Number.parseInt(value, 10) : undefined;
}

function validateStrategy(strategy: DeploymentStrategy | undefined, field: string): FieldError[] {
  if (!strategy || strategy.type === undefined) return [];
  if (strategy.type === "Recreate") {
    return strategy.rollingUpdate
      ? [forbidden(child(field, "rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")]
      : [];
  }
  if (strategy.type !== "RollingUpdate")
    return [notSupported(field, strategy, ["Recreate", "RollingUpdate"])];
  const ru = strategy.rollingUpdate;
  if (!ru) return [];
  const p = child(field, "rollingUpdate");
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, child(p, "maxUnavailable")),
    ...validatePositiveIntOrPercent(ru.maxSurge, child(p, "maxSurge")),
  ];
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(invalid(child(p, "maxUnavailable"), ru.maxUnavailable, "may not be 0 when `maxSurge` is 0"));
  }
  if (typeof ru.maxUnavailable === "string" && (intOrPercentValue(ru.maxUnavailable) ?? 0) > 100) {
    errs.push(invalid(child(p, "maxUnavailable"), ru.maxUnavailable, "must not be greater than 100%"));
  }
  return errs;
}

export function validateDeployment(d: Deployment): FieldError[] {
  const spec = d.spec;
  const errs = validateObjectMeta(d.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  errs.push(...nonNegative(spec.replicas, "spec.replicas"));
  errs.push(...validateWorkloadSelector(spec.selector, "spec.selector"));
  errs.push(...validateReplicatedTemplate(spec.template, spec.selector, "spec.template"));
  errs.push(...validateStrategy(spec.strategy, "spec.strategy"));
  errs.push(...nonNegative(spec.minReadySeconds, "spec.minReadySeconds"));
  errs.push(...nonNegative(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"));
  const pds = spec.progressDeadlineSeconds;
  if (pds !== undefined && pds <= (spec.minReadySeconds ?? 0)) {
    errs.push(invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"));
  }
  return errs;
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const spec = rs.spec;
  const errs = validateObjectMeta(rs.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  errs.push(...nonNegative(spec.replicas, "spec.replicas"));
  errs.push(...nonNegative(spec.minReadySeconds, "spec.minReadySeconds"));
  errs.push(...validateWorkloadSelector(spec.selector, "spec.selector"));
  errs.push(...validateReplicatedTemplate(spec.template, spec.selector, "spec.template"));
  return errs;
}

/** In apps/v1 the selector of a Deployment or ReplicaSet never changes after creation. */
export function validateDeploymentUpdate(
  n: Deployment | ReplicaSet,
  o: Deployment | ReplicaSet,
): FieldError[] {
  return [
    ...validateObjectMetaUpdate(n.metadata, o.metadata),
    ...immutable(n.spec.selector, o.spec.selector, "spec.selector"),
  ];
}

import { isValidPathSegmentName, nameIsDNSSubdomain } from "../names.js";
import { Quantity } from "../quantity.js";
import type {
  CrossVersionObjectReference,
  HorizontalPodAutoscaler,
  HPAScalingRules,
  MetricSpec,
  MetricTarget,
  Scale,
} from "../schemas/autoscaling.js";
import { type FieldError, forbidden, invalid, notSupported, required } from "./field-error.js";
import { child, index } from "./field-path.js";
import { NOT_POSITIVE, nonNegative } from "./numbers.js";
import { validateObjectMeta } from "./object-meta.js";
import { QUANTITY_SYNTAX } from "./resources.js";

const METRIC_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"];
const SOURCE_FIELD: Record<string, keyof MetricSpec> = {
  Object: "object",
  Pods: "pods",
  Resource: "resource",
  ContainerResource: "containerResource",
  External: "external",
};
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

function validateTargetRef(ref: CrossVersionObjectReference, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ["kind", "name"] as const) {
    if (!ref[f]) errs.push(required(child(field, f)));
    else for (const msg of isValidPathSegmentName(ref[f])) errs.push(invalid(child(field, f), ref[f], msg));
  }
  return errs;
}

function positiveQuantity(value: string | undefined, field: string): FieldError[] {
  if (value === undefined) return [];
  try {
    return Quantity.parse(value).sign() === 1 ? [] : [invalid(field, value, "must be positive")];
  } catch {
    return [invalid(field, value, QUANTITY_SYNTAX)];
  }
}

function validateTarget(t: MetricTarget, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!["Utilization", "Value", "AverageValue"].includes(t.type)) {
    errs.push(invalid(child(field, "type"), t.type, "must be either Utilization, Value, or AverageValue"));
  }
  errs.push(...positiveQuantity(t.value, child(field, "value")));
  errs.push(...positiveQuantity(t.averageValue, child(field, "averageValue")));
  if (t.averageUtilization !== undefined && t.averageUtilization < 1) {
    errs.push(invalid(child(field, "averageUtilization"), t.averageUtilization, "must be greater than 0"));
  }
  return errs;
}

function validateMetric(m: MetricSpec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!METRIC_TYPES.includes(m.type)) errs.push(notSupported(child(field, "type"), m.type, METRIC_TYPES));
  const expected = SOURCE_FIELD[m.type];
  if (expected && m[expected] === undefined) {
    errs.push(required(child(field, expected), "must populate information for the given metric source"));
  }
  for (const source of Object.values(SOURCE_FIELD)) {
    if (source !== expected && m[source] !== undefined) {
      errs.push(forbidden(child(field, source), "must populate the given metric source only"));
    }
  }
  for (const r of [m.resource, m.containerResource]) {
    if (!r) continue;
    const p = child(field, r === m.resource ? "resource" : "containerResource");
    if (!r.name) errs.push(required(child(p, "name"), "must specify a resource name"));
    errs.push(...validateTarget(r.target, child(p, "target")));
    if (r.target.averageValue === undefined && r.target.averageUtilization === undefined) {
      errs.push(
        required(
          child(p, "target", "averageUtilization"),
          "must set either a target raw value or a target utilization",
        ),
      );
    } else if (r.target.averageValue !== undefined && r.target.averageUtilization !== undefined) {
      errs.push(
        forbidden(
          child(p, "target", "averageValue"),
          "may not set both a target raw value and a target utilization",
        ),
      );
    }
  }
  if (m.pods) errs.push(...validateTarget(m.pods.target, child(field, "pods", "target")));
  if (m.object) errs.push(...validateTarget(m.object.target, child(field, "object", "target")));
  if (m.external) errs.push(...validateTarget(m.external.target, child(field, "external", "target")));
  return errs;
}

function validateRules(rules: HPAScalingRules | undefined, field: string): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const w = rules.stabilizationWindowSeconds;
  if (w !== undefined && w < 0) {
    errs.push(
      invalid(child(field, "stabilizationWindowSeconds"), w, "must be greater than or equal to zero"),
    );
  } else if (w !== undefined && w > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(
      invalid(
        child(field, "stabilizationWindowSeconds"),
        w,
        `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`,
      ),
    );
  }
  (rules.policies ?? []).forEach((policy, i) => {
    const p = index(child(field, "policies"), i);
    if (policy.value <= 0) errs.push(invalid(child(p, "value"), policy.value, NOT_POSITIVE));
    if (policy.periodSeconds <= 0 || policy.periodSeconds > MAX_PERIOD_SECONDS) {
      errs.push(
        invalid(
          child(p, "periodSeconds"),
          policy.periodSeconds,
          `must be greater than zero and less than or equal to ${MAX_PERIOD_SECONDS}`,
        ),
      );
    }
  });
  return errs;
}

export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): FieldError[] {
  const errs = validateObjectMeta(hpa.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const spec = hpa.spec;
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) {
    errs.push(invalid("spec.minReplicas", spec.minReplicas, "must be greater than or equal to 1"));
  }
  if (spec.maxReplicas < 1)
    errs.push(invalid("spec.maxReplicas", spec.maxReplicas, "must be greater than 0"));
  if (spec.minReplicas !== undefined && spec.maxReplicas < spec.minReplicas) {
    errs.push(
      invalid("spec.maxReplicas", spec.maxReplicas, "must be greater than or equal to `minReplicas`"),
    );
  }
  errs.push(...validateTargetRef(spec.scaleTargetRef, "spec.scaleTargetRef"));
  (spec.metrics ?? []).forEach((m, i) => {
    errs.push(...validateMetric(m, index("spec.metrics", i)));
  });
  errs.push(...validateRules(spec.behavior?.scaleUp, "spec.behavior.scaleUp"));
  errs.push(...validateRules(spec.behavior?.scaleDown, "spec.behavior.scaleDown"));
  return errs;
}

export function validateScale(scale: Scale): FieldError[] {
  return nonNegative(scale.spec?.replicas, "spec.replicas");
}

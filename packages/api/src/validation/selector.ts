import { isQualifiedName, isValidLabelValue } from "../names.js";
import type { LabelSelector } from "../schemas/meta.js";
import { type FieldError, forbidden, invalid, required } from "./field-error.js";
import { child, index } from "./field-path.js";
import { validateLabels } from "./object-meta.js";

/** `ValidateLabelSelector`. */
export function validateLabelSelector(selector: LabelSelector | undefined, field: string): FieldError[] {
  if (!selector) return [];
  const errs: FieldError[] = [];
  (selector.matchExpressions ?? []).forEach((req, i) => {
    const p = index(child(field, "matchExpressions"), i);
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) {
          errs.push(required(child(p, "values"), "must be specified when `operator` is 'In' or 'NotIn'"));
        }
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) {
          errs.push(
            forbidden(
              child(p, "values"),
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        }
        break;
      default:
        errs.push(invalid(child(p, "operator"), req.operator, "not a valid selector operator"));
    }
    for (const msg of isQualifiedName(req.key)) errs.push(invalid(child(p, "key"), req.key, msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(index(child(p, "values"), j), v, msg));
    });
  });
  errs.push(...validateLabels(selector.matchLabels, child(field, "matchLabels")));
  return errs;
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0;
}

/**
 * Whether a structured selector selects these labels. An empty selector matches everything, as
 * `LabelSelectorAsSelector` does; callers decide whether empty is allowed.
 */
export function selectorMatches(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(l, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
        if (!has || !values.includes(l[req.key] as string)) return false;
        break;
      case "NotIn":
        if (has && values.includes(l[req.key] as string)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

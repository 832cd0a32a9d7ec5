import { nameIsDNSSubdomain } from "../names.js";
import type { Lease } from "../schemas/coordination.js";
import { type FieldError, invalid } from "./field-error.js";
import { NEGATIVE } from "./numbers.js";
import { validateObjectMeta } from "./object-meta.js";

export function validateLease(lease: Lease): FieldError[] {
  const errs = validateObjectMeta(lease.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const spec = lease.spec ?? {};
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) {
    errs.push(invalid("spec.leaseDurationSeconds", spec.leaseDurationSeconds, "must be greater than 0"));
  }
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions < 0) {
    errs.push(invalid("spec.leaseTransitions", spec.leaseTransitions, NEGATIVE));
  }
  return errs;
}

import { Quantity } from "../quantity.js";
import type { ResourceRequirements } from "../schemas/core.js";
import { type FieldError, invalid, required } from "./field-error.js";
import { child, key } from "./field-path.js";
import { NEGATIVE } from "./numbers.js";

/** Kubernetes' decode error for a quantity that does not parse. */
export const QUANTITY_SYNTAX =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function parse(value: string): Quantity | undefined {
  try {
    return Quantity.parse(value);
  } catch {
    return undefined;
  }
}

// Native resources (no domain, or a kubernetes.io one) may be overcommitted, except hugepages;
// extended resources such as nvidia.com/gpu may not, and must be whole numbers.
function isNative(name: string): boolean {
  return !name.includes("/") || name.includes("kubernetes.io/");
}

function isOvercommitAllowed(name: string): boolean {
  return isNative(name) && !name.startsWith("hugepages-");
}

function isWholeNumber(q: Quantity): boolean {
  return q.milliValue() % 1000n === 0n;
}

function checkQuantity(name: string, raw: string, field: string, errs: FieldError[]): Quantity | undefined {
  const q = parse(raw);
  if (!q) {
    errs.push(invalid(field, raw, QUANTITY_SYNTAX));
    return undefined;
  }
  if (q.sign() < 0) errs.push(invalid(field, q.toString(), NEGATIVE));
  else if (!isNative(name) && !isWholeNumber(q))
    errs.push(invalid(field, q.toString(), "must be an integer"));
  return q;
}

/** `ValidateResourceRequirements`: quantities parse, are not negative, and requests fit limits. */
export function validateResources(res: ResourceRequirements | undefined, field: string): FieldError[] {
  if (!res) return [];
  const errs: FieldError[] = [];
  const limPath = child(field, "limits");
  const reqPath = child(field, "requests");
  const limits = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(res.limits ?? {})) {
    const q = checkQuantity(name, raw, key(limPath, name), errs);
    if (q) limits.set(name, q);
  }
  for (const [name, raw] of Object.entries(res.requests ?? {})) {
    const q = checkQuantity(name, raw, key(reqPath, name), errs);
    if (!q) continue;
    const limit = limits.get(name);
    if (limit) {
      const c = q.cmp(limit);
      if (c !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${limit.toString()}`));
      } else if (c > 0) {
        errs.push(
          invalid(
            reqPath,
            q.toString(),
            `must be less than or equal to ${name} limit of ${limit.toString()}`,
          ),
        );
      }
    } else if (!isOvercommitAllowed(name) && !Object.hasOwn(res.limits ?? {}, name)) {
      errs.push(required(limPath, "Limit must be set for non overcommitable resources"));
    }
  }
  return errs;
}

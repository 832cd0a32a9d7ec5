/** The kinds of field problem Kubernetes reports (`field.ErrorType`). */
export type FieldErrorType =
  | "Required"
  | "Invalid"
  | "NotSupported"
  | "Duplicate"
  | "Forbidden"
  | "TooLong"
  | "TooMany"
  | "NotFound"
  | "TypeInvalid"
  | "InternalError"
  /** A field the schema does not have; Kubernetes' strict decoder reports these apart. */
  | "Unknown";

/** One problem with one field of an object; `field` is a path like `spec.containers[0].image`. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail?: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  Required: "Required value",
  Invalid: "Invalid value",
  NotSupported: "Unsupported value",
  Duplicate: "Duplicate value",
  Forbidden: "Forbidden",
  TooLong: "Too long",
  TooMany: "Too many",
  NotFound: "Not found",
  TypeInvalid: "Invalid value",
  InternalError: "Internal error",
  Unknown: "Unknown field",
};

/** `metav1.CauseType` of each error type, the `reason` of a Status cause. */
const CAUSE_REASON: Record<FieldErrorType, string> = {
  Required: "FieldValueRequired",
  Invalid: "FieldValueInvalid",
  NotSupported: "FieldValueNotSupported",
  Duplicate: "FieldValueDuplicate",
  Forbidden: "FieldValueForbidden",
  TooLong: "FieldValueTooLong",
  TooMany: "FieldValueTooMany",
  NotFound: "FieldValueNotFound",
  TypeInvalid: "FieldValueTypeInvalid",
  InternalError: "InternalError",
  Unknown: "FieldValueUnknown",
};

// These types never print the offending value, as in Kubernetes.
const VALUE_HIDDEN = new Set<FieldErrorType>(["Required", "Forbidden", "TooLong", "InternalError"]);

/**
 * Renders a value the way Kubernetes does in field errors: strings quoted, numbers and booleans
 * bare, null as `null`, anything else as JSON (newer Kubernetes prints `{"app":"web"}` for a map).
 */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  return JSON.stringify(value) ?? String(value);
}

/** The message without the field path (`ErrorBody()`), as a Status cause carries it. */
export function formatFieldErrorBody(e: FieldError): string {
  if (e.type === "Unknown") return unknownFieldMessage(e.field);
  let s = TYPE_TEXT[e.type];
  if (!VALUE_HIDDEN.has(e.type) && "value" in e) s += `: ${formatValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** Kubernetes' text for one error: `spec.replicas: Invalid value: -1: must be greater than or equal to 0`. */
export function formatFieldError(e: FieldError): string {
  if (e.type === "Unknown") return unknownFieldMessage(e.field);
  return `${e.field}: ${formatFieldErrorBody(e)}`;
}

/** Several errors joined as Kubernetes' aggregate does: one alone, more in brackets. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  const parts = errors.map(formatFieldError);
  return parts.length === 1 ? (parts[0] as string) : `[${parts.join(", ")}]`;
}

/** A `details.causes` entry of a 422 Status. */
export function statusCauseOf(e: FieldError): { reason: string; message: string; field: string } {
  return { reason: CAUSE_REASON[e.type], message: formatFieldErrorBody(e), field: e.field };
}

export function required(field: string, detail?: string): FieldError {
  return detail ? { type: "Required", field, detail } : { type: "Required", field };
}

export function invalid(field: string, value: unknown, detail: string): FieldError {
  return { type: "Invalid", field, value, detail };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const detail = supported.length
    ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(", ")}`
    : "";
  return { type: "NotSupported", field, value, detail };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: "Duplicate", field, value };
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: "Forbidden", field, detail };
}

export function tooLong(field: string, value: unknown, maxLength: number): FieldError {
  return { type: "TooLong", field, value, detail: `must have at most ${maxLength} bytes` };
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: "TooMany", field, value: actual, detail: `must have at most ${max} items` };
}

export function notFound(field: string, value: unknown): FieldError {
  return { type: "NotFound", field, value };
}

export function typeInvalid(field: string, value: unknown, detail: string): FieldError {
  return { type: "TypeInvalid", field, value, detail };
}

/** The strict decoder's words: `unknown field "spec.replicaz"`. */
export function unknownFieldMessage(field: string): string {
  return `unknown field ${JSON.stringify(field)}`;
}

export function unknownField(field: string): FieldError {
  return { type: "Unknown", field, detail: unknownFieldMessage(field) };
}

import { type FieldError, invalid } from "./field-error.js";

export const NEGATIVE = "must be greater than or equal to 0";
export const NOT_POSITIVE = "must be greater than zero";
export const IMMUTABLE = "field is immutable";

/** `ValidateNonnegativeField`: absent values are fine, as Go's nil pointers are. */
export function nonNegative(value: number | undefined, field: string): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(field, value, NEGATIVE)] : [];
}

export function inclusiveRange(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** `IsValidPortNum`. */
export function portNumberErrors(port: number): string[] {
  return port >= 1 && port <= 65535 ? [] : [inclusiveRange(1, 65535)];
}

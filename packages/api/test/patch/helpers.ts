import type { PatchResult } from "../../src/patch/index.js";

export function unwrap<T>(result: PatchResult<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

export function errorOf<T>(result: PatchResult<T>): string {
  if (result.ok) throw new Error(`expected a PatchError, got ${JSON.stringify(result.value)}`);
  return result.error.message;
}

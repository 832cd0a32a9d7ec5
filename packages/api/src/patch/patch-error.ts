/**
 * A patch that cannot be applied or computed: malformed, failing a JSON patch `test`, or naming a
 * path that does not exist. `path` says where (a dotted field path, or a JSON pointer for JSON
 * patch); the apiserver answers it with a 422 (or 400 when the body is not a patch at all).
 */
export class PatchError extends Error {
  override readonly name = "PatchError";

  constructor(
    readonly path: string,
    readonly problem: string,
    /** JSON patch only: the index of the operation that failed. */
    readonly operation?: number,
  ) {
    const where =
      operation === undefined ? path : `operation ${operation}${path === "" ? "" : ` (path ${path})`}`;
    super(where === "" ? problem : `${where}: ${problem}`);
  }
}

export type PatchResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: PatchError };

export function patched<T>(value: T): PatchResult<T> {
  return { ok: true, value };
}

export function patchFailed<T>(error: PatchError): PatchResult<T> {
  return { ok: false, error };
}

/** Runs a computation that signals bad input by throwing a PatchError, and returns the error as a value. */
export function catchPatchError<T>(compute: () => T): PatchResult<T> {
  try {
    return patched(compute());
  } catch (error) {
    if (error instanceof PatchError) return patchFailed(error);
    throw error;
  }
}

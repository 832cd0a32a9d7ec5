import jsonPatch, { type Operation } from "fast-json-patch";
import { deepCopy, isJsonObject, type JsonValue } from "./json-value.js";
import { PatchError, type PatchResult, patched, patchFailed } from "./patch-error.js";

export type JsonPatchOperation = Operation;

const failures: Record<string, string> = {
  TEST_OPERATION_FAILED: "test failed: the value differs",
  OPERATION_PATH_UNRESOLVABLE: "path does not exist",
  OPERATION_FROM_UNRESOLVABLE: "`from` path does not exist",
  OPERATION_PATH_CANNOT_ADD: "cannot add here: the parent does not exist",
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: "not a valid list index",
  OPERATION_VALUE_OUT_OF_BOUNDS: "list index out of bounds",
  OPERATION_OP_INVALID: "`op` must be add, remove, replace, move, copy or test",
  OPERATION_PATH_INVALID: "`path` must be a JSON pointer starting with /",
  OPERATION_FROM_REQUIRED: "`from` is required for move and copy",
  OPERATION_VALUE_REQUIRED: "`value` is required for add, replace and test",
  OPERATION_NOT_AN_OBJECT: "an operation must be an object",
};

function failedAt(operations: readonly unknown[], index: number, problem: string): PatchError {
  const operation = operations[index];
  const path = isJsonObject(operation) && typeof operation.path === "string" ? operation.path : "";
  return new PatchError(path, problem, index);
}

/**
 * RFC 6902. Every operation is validated against the document as it stands when the operation runs,
 * so a failed `test` or a missing path rejects the whole patch and nothing is changed.
 */
export function applyJsonPatch(target: JsonValue, operations: unknown): PatchResult<JsonValue> {
  if (!Array.isArray(operations)) {
    return patchFailed(new PatchError("", "a JSON patch must be a list of operations"));
  }
  // Cloning both keeps the input untouched and the `value`s of operations unshared with the result.
  const ops = deepCopy(operations as JsonValue[]) as unknown as Operation[];
  let document = deepCopy(target);
  // One operation at a time: fast-json-patch does not always report which operation failed.
  for (const [index, operation] of ops.entries()) {
    try {
      document = jsonPatch.applyOperation(document, operation, true, true, true, index).newDocument;
    } catch (error) {
      if (error instanceof jsonPatch.JsonPatchError) {
        const problem = failures[error.name] ?? error.message;
        return patchFailed(failedAt(operations, index, problem));
      }
      if (error instanceof TypeError && /__proto__|prototype/.test(error.message)) {
        const problem = "modifying __proto__, constructor or prototype is not allowed";
        return patchFailed(failedAt(operations, index, problem));
      }
      throw error;
    }
  }
  return patched(document);
}

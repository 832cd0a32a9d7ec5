export { applyPatch, type PatchType, parsePatchType, patchTypes } from "./apply-patch.js";
export { applyJsonPatch, type JsonPatchOperation } from "./json-patch.js";
export type { JsonObject, JsonPrimitive, JsonValue } from "./json-value.js";
export { applyMergePatch, createMergePatch } from "./merge-patch.js";
export { PatchError, type PatchResult } from "./patch-error.js";
export { atomicMeta, type PatchMeta, patchMetaFor } from "./patch-meta.js";
export { applyStrategicMergePatch } from "./strategic-merge-patch.js";
export { createThreeWayMergePatch, createTwoWayMergePatch } from "./three-way-merge.js";

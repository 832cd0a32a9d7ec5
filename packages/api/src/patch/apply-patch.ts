import { applyJsonPatch } from "./json-patch.js";
import type { JsonObject, JsonValue } from "./json-value.js";
import { applyMergePatch } from "./merge-patch.js";
import { PatchError, type PatchResult, patched, patchFailed } from "./patch-error.js";
import type { PatchMeta } from "./patch-meta.js";
import { applyStrategicMergePatch } from "./strategic-merge-patch.js";

export const patchTypes = [
  "application/merge-patch+json",
  "application/json-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
] as const;

/** The Content-Type of a PATCH request names how its body is applied. */
export type PatchType = (typeof patchTypes)[number];

/** The PatchType a Content-Type header names, ignoring parameters such as charset. */
export function parsePatchType(contentType: string | undefined): PatchType | undefined {
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  return patchTypes.find((type) => type === mediaType);
}

/** Server-side apply (`application/apply-patch+yaml`) tracks field managers: the apiserver does it. */
export function applyPatch(
  type: Exclude<PatchType, "application/apply-patch+yaml">,
  target: JsonObject,
  patchBody: unknown,
  meta: PatchMeta,
): PatchResult<JsonValue> {
  if (patchBody === undefined) return patchFailed(new PatchError("", "the patch body is empty"));
  switch (type) {
    case "application/merge-patch+json":
      return patched(applyMergePatch(target, patchBody as JsonValue));
    case "application/json-patch+json":
      return applyJsonPatch(target, patchBody);
    case "application/strategic-merge-patch+json":
      return applyStrategicMergePatch(target, patchBody, meta);
  }
}

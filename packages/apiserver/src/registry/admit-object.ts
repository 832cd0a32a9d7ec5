import {
  DecodeError,
  decodeObject,
  defaultInPlace,
  errors,
  type FieldError,
  InvalidObjectError,
  type KindInfo,
  statusCauseOf,
  validateDecoded,
  validateDecodedUpdate,
} from "@minik8s/api";
import type { ApiObject } from "../watch/watch-event.js";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** `?fieldValidation=`: kubectl sends Strict; Kubernetes' default for other clients is Warn. */
export function parseFieldValidation(value: string | undefined): FieldValidation {
  if (value === undefined || value === "") return "Warn";
  if (value === "Strict" || value === "Warn" || value === "Ignore") return value;
  throw errors.badRequest(`fieldValidation parameter unsupported: ${JSON.stringify(value)}`);
}

const strictness = { Strict: "strict", Warn: "warn", Ignore: "ignore" } as const;

function invalidFrom(info: KindInfo, name: string, fieldErrors: readonly FieldError[]) {
  return errors.invalid(info.kind, info.group, name, fieldErrors.map(statusCauseOf));
}

/**
 * Decode a request body into an object of `info`'s kind: kind and apiVersion filled in when a
 * client leaves them out (client-node does), unknown fields refused, warned about or dropped as
 * `fieldValidation` says, type errors reported with their field paths.
 */
export function decodeBody(
  info: KindInfo,
  body: unknown,
  fieldValidation: FieldValidation,
): { object: ApiObject; warnings: string[] } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw errors.badRequest(`the body of the request must be a ${info.kind} object`);
  }
  const raw = { ...(body as ApiObject) };
  const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
  raw.apiVersion ??= apiVersion;
  raw.kind ??= info.kind;
  if (raw.apiVersion !== apiVersion || raw.kind !== info.kind) {
    throw errors.badRequest(
      `the object provided is unrecognized (expected ${apiVersion}, Kind=${info.kind}, got ${raw.apiVersion}, Kind=${raw.kind})`,
    );
  }
  try {
    const { object, warnings } = decodeObject(raw, { unknownFields: strictness[fieldValidation] });
    return { object: object as ApiObject, warnings: fieldValidation === "Ignore" ? [] : warnings };
  } catch (err) {
    if (err instanceof InvalidObjectError) {
      // Only unknown fields wrong: the strict decoder's 400, worded as Kubernetes words it.
      if (err.errors.every((e) => e.type === "Unknown")) throw errors.badRequest(err.message);
      throw invalidFrom(info, raw.metadata?.name ?? "", err.errors);
    }
    if (err instanceof DecodeError) throw errors.badRequest(err.message);
    throw err;
  }
}

/**
 * Defaults, then validation: every problem at once, as one 422 with a cause per field. `obj` is
 * the caller's own copy (a decoded body, or a copy of the stored object) and is defaulted in place.
 */
export function defaultAndValidate(info: KindInfo, obj: ApiObject, old?: ApiObject): ApiObject {
  const defaulted = defaultInPlace(obj as never) as ApiObject;
  // Bodies were decoded against their schema already; only the kind's rules are left to check.
  const problems = [
    ...validateDecoded(defaulted as never),
    ...(old ? validateDecodedUpdate(defaulted as never, old as never) : []),
  ];
  if (problems.length > 0) throw invalidFrom(info, defaulted.metadata?.name ?? "", problems);
  return defaulted;
}

import { schemaFor } from "./kind-schemas.js";
import { parseApiVersion } from "./registry.js";
import {
  type FieldError,
  formatFieldErrors,
  unknownField,
  unknownFieldMessage,
} from "./validation/field-error.js";
import { schemaErrors } from "./validation/schema-errors.js";

/** What to do with fields the schema does not know, as the `fieldValidation` query parameter says. */
export type UnknownFieldPolicy = "strict" | "warn" | "ignore";

export interface DecodeOptions {
  /** Default "warn", Kubernetes' default for requests that do not ask. */
  unknownFields?: UnknownFieldPolicy;
}

export interface Decoded<T = unknown> {
  object: T;
  /** `unknown field "spec.replicaz"` for each field dropped under "warn" or "ignore". */
  warnings: string[];
}

/** The body is not an object of any kind we know (a 400 in Kubernetes). */
export class DecodeError extends Error {
  override name = "DecodeError";
}

/**
 * An object of a known kind that does not fit its schema. `errors` holds every problem, unknown
 * fields included (type "Unknown") when the policy is "strict"; the apiserver turns it into a 422
 * Status with one cause per error, or a 400 when only unknown fields are wrong, as Kubernetes does.
 */
export class InvalidObjectError extends Error {
  override name = "InvalidObjectError";
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
    readonly objectName: string,
    readonly errors: FieldError[],
  ) {
    super(invalidMessage(apiVersion, kind, objectName, errors));
  }

  /** The group of the kind ("" for core), for a Status' `details.group`. */
  get group(): string {
    return parseApiVersion(this.apiVersion).group;
  }

  get unknownFields(): string[] {
    return this.errors.filter((e) => e.type === "Unknown").map((e) => e.field);
  }
}

function invalidMessage(apiVersion: string, kind: string, name: string, errors: FieldError[]): string {
  const { group, version } = parseApiVersion(apiVersion);
  if (errors.every((e) => e.type === "Unknown")) {
    const list = errors.map((e) => unknownFieldMessage(e.field)).join(", ");
    return `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: strict decoding error: ${list}`;
  }
  const qualified = group ? `${kind}.${group}` : kind;
  return `${qualified} ${JSON.stringify(name)} is invalid: ${formatFieldErrors(errors)}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A deep copy without null members: Go decodes `null` as the zero value, which our schemas spell
 * as an absent field (`creationTimestamp: null` is in every `kubectl create --dry-run` output).
 */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const value = v[k];
    if (value !== null) out[k] = withoutNulls(value);
  }
  return out;
}

/** Whether a null member is anywhere inside: most bodies have none, and then need no copy. */
function hasNull(v: unknown): boolean {
  if (v === null) return true;
  if (Array.isArray(v)) return v.some(hasNull);
  if (!isPlainObject(v)) return false;
  for (const k of Object.keys(v)) if (hasNull(v[k])) return true;
  return false;
}

/** Removes one field, named by its rendered path, from a plain JSON value. */
function dropField(root: unknown, path: string): void {
  const segments = [...path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)].map((m) => m[1] ?? m[2] ?? "");
  let node = root;
  for (const seg of segments.slice(0, -1)) {
    if (!isPlainObject(node) && !Array.isArray(node)) return;
    node = (node as Record<string, unknown>)[seg];
  }
  const last = segments.at(-1);
  if (isPlainObject(node) && last !== undefined) delete node[last];
}

/**
 * Turns a request body into a typed object: finds its kind from apiVersion and kind, checks it
 * against that kind's schema, and reports every problem with its field path. Unknown fields are
 * errors under "strict"; under "warn" and "ignore" they are dropped and listed as warnings.
 */
export function decodeObject<T = unknown>(raw: unknown, options: DecodeOptions = {}): Decoded<T> {
  const policy = options.unknownFields ?? "warn";
  if (!isPlainObject(raw)) throw new DecodeError("the object must be a JSON object");
  const { apiVersion, kind } = raw;
  if (typeof kind !== "string" || kind === "") {
    throw new DecodeError(`Object 'Kind' is missing in '${JSON.stringify(raw)}'`);
  }
  if (typeof apiVersion !== "string" || apiVersion === "") {
    throw new DecodeError(`Object 'apiVersion' is missing in '${JSON.stringify(raw)}'`);
  }
  const gvk = { ...parseApiVersion(apiVersion), kind };
  const schema = schemaFor(gvk);
  if (!schema) {
    throw new DecodeError(
      `no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)}`,
    );
  }
  const metadata = isPlainObject(raw.metadata) ? raw.metadata : {};
  const name = typeof metadata.name === "string" ? metadata.name : "";
  // The schema builds a new object, so the body is read, not kept: copied only to drop nulls.
  let data = hasNull(raw) ? withoutNulls(raw) : raw;
  let result = schema.safeParse(data);
  if (result.success) return { object: result.data as T, warnings: [] };

  let found = schemaErrors(schema, data, result.error.issues);
  const unknown = found.unknownFields;
  if (policy === "strict") {
    throw new InvalidObjectError(apiVersion, kind, name, [...found.errors, ...unknown.map(unknownField)]);
  }
  if (unknown.length > 0) {
    // Dropping fields changes the object: never the caller's.
    if (data === raw) data = withoutNulls(raw);
    for (const path of unknown) dropField(data, path);
    result = schema.safeParse(data);
    found = result.success
      ? { errors: [], unknownFields: [] }
      : schemaErrors(schema, data, result.error.issues);
  }
  if (!result.success) throw new InvalidObjectError(apiVersion, kind, name, found.errors);
  return { object: result.data as T, warnings: unknown.map(unknownFieldMessage) };
}

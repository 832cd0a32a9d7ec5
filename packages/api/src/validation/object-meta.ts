import { deepEqual } from "../deep-equal.js";
import { isDNS1123Label, isQualifiedName, isValidLabelValue } from "../names.js";
import type { ObjectMeta, OwnerReference } from "../schemas/meta.js";
import { duplicate, type FieldError, forbidden, invalid, required, tooLong } from "./field-error.js";
import { child, index } from "./field-path.js";
import { IMMUTABLE, nonNegative } from "./numbers.js";

/** Checks one name; `prefix` is true for generateName, whose trailing dash is allowed. */
export type NameValidator = (name: string, prefix: boolean) => string[];

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** Label keys must be qualified names and values label values; errors point at the map. */
export function validateLabels(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(field, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(invalid(field, v, msg));
  }
  return errs;
}

export function validateAnnotations(
  annotations: Record<string, string> | undefined,
  field: string,
): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(field, k, msg));
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(field, "", TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReferences(refs: OwnerReference[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  (refs ?? []).forEach((ref, i) => {
    const p = index(field, i);
    if (!ref.apiVersion)
      errs.push(invalid(child(p, "apiVersion"), ref.apiVersion, "version must not be empty"));
    if (!ref.kind) errs.push(invalid(child(p, "kind"), ref.kind, "kind must not be empty"));
    if (!ref.name) errs.push(invalid(child(p, "name"), ref.name, "name must not be empty"));
    if (!ref.uid) errs.push(invalid(child(p, "uid"), ref.uid, "uid must not be empty"));
    if (ref.controller) controllers.push(`${ref.kind}/${ref.name}`);
  });
  if (controllers.length > 1) {
    errs.push(
      invalid(
        field,
        refs,
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(" and ")}`,
      ),
    );
  }
  return errs;
}

const STANDARD_FINALIZERS = ["kubernetes", "orphan", "foregroundDeletion"];

/** A finalizer is a qualified name, and one without a domain must be a standard one. */
export function validateFinalizerName(name: string, field: string): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(field, name, msg));
  if (!name.includes("/") && !STANDARD_FINALIZERS.includes(name)) {
    errs.push(invalid(field, name, "name is neither a standard finalizer name nor is it fully qualified"));
  }
  return errs;
}

function validateFinalizers(finalizers: string[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const f of finalizers ?? []) {
    errs.push(...validateFinalizerName(f, field));
    if (seen.has(f)) errs.push(duplicate(field, f));
    seen.add(f);
  }
  return errs;
}

export interface ObjectMetaRules {
  namespaced: boolean;
  name: NameValidator;
}

/**
 * `ValidateObjectMeta`. A name is required: the apiserver turns generateName into a name before
 * validating, as Kubernetes does.
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, rules: ObjectMetaRules, field = "metadata") {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of rules.name(m.generateName, true)) {
      errs.push(invalid(child(field, "generateName"), m.generateName, msg));
    }
  }
  if (!m.name) errs.push(required(child(field, "name"), "name or generateName is required"));
  else for (const msg of rules.name(m.name, false)) errs.push(invalid(child(field, "name"), m.name, msg));
  if (rules.namespaced) {
    if (!m.namespace) errs.push(required(child(field, "namespace")));
    else
      for (const msg of isDNS1123Label(m.namespace))
        errs.push(invalid(child(field, "namespace"), m.namespace, msg));
  } else if (m.namespace) {
    errs.push(forbidden(child(field, "namespace"), "not allowed on this type"));
  }
  errs.push(...nonNegative(m.generation, child(field, "generation")));
  errs.push(...validateLabels(m.labels, child(field, "labels")));
  errs.push(...validateAnnotations(m.annotations, child(field, "annotations")));
  errs.push(...validateOwnerReferences(m.ownerReferences, child(field, "ownerReferences")));
  errs.push(...validateFinalizers(m.finalizers, child(field, "finalizers")));
  return errs;
}

/** `ValidateImmutableField`. */
export function immutable(newValue: unknown, oldValue: unknown, field: string): FieldError[] {
  return deepEqual(newValue, oldValue) ? [] : [invalid(field, newValue, IMMUTABLE)];
}

/**
 * `ValidateObjectMetaUpdate`: identity never changes. System fields are compared only when the
 * update carries them; the apiserver copies them from the stored object otherwise.
 */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta | undefined,
  oldMeta: ObjectMeta | undefined,
  field = "metadata",
): FieldError[] {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldError[] = [];
  errs.push(...immutable(n.name, o.name, child(field, "name")));
  errs.push(...immutable(n.namespace ?? "", o.namespace ?? "", child(field, "namespace")));
  for (const f of ["uid", "creationTimestamp"] as const) {
    if (n[f] !== undefined) errs.push(...immutable(n[f], o[f], child(field, f)));
  }
  return errs;
}

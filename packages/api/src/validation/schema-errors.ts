import type { z } from "zod";
import { type FieldError, invalid, notSupported, required, typeInvalid } from "./field-error.js";

type Issue = z.core.$ZodIssue;
type Segment = PropertyKey;

/** Errors against a schema: field errors, and the paths of fields the schema does not know. */
export interface SchemaErrors {
  errors: FieldError[];
  unknownFields: string[];
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
  format?: string;
}

function defOf(schema: z.ZodType | undefined): Def | undefined {
  return (schema as unknown as { _zod?: { def: Def } } | undefined)?._zod?.def;
}

/** Peels wrappers (optional, default, pipe...) off a schema to reach the shape a value has. */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  for (let i = 0; i < 20 && s; i++) {
    const def = defOf(s);
    if (!def) return s;
    if (def.innerType) s = def.innerType;
    else if (def.type === "pipe" && def.in) s = def.in;
    else if (def.type === "lazy" && def.getter) s = def.getter();
    else return s;
  }
  return s;
}

/** The schema one step down, and whether that step is a map key rather than a field name. */
function step(
  schema: z.ZodType | undefined,
  seg: Segment,
): { schema: z.ZodType | undefined; isKey: boolean } {
  const s = unwrap(schema);
  const def = defOf(s);
  if (!def)
    return { schema: undefined, isKey: typeof seg !== "number" && !/^[A-Za-z_$][\w$]*$/.test(String(seg)) };
  switch (def.type) {
    case "object":
      return { schema: def.shape?.[String(seg)], isKey: false };
    case "array":
      return { schema: def.element, isKey: false };
    case "record":
      return { schema: def.valueType, isKey: true };
    case "union":
      for (const option of def.options ?? []) {
        const next = step(option, seg);
        if (next.schema) return next;
      }
      return { schema: undefined, isKey: false };
    default:
      return { schema: undefined, isKey: false };
  }
}

/** Renders a parse path as Kubernetes prints field paths: `spec.containers[0].resources.limits[cpu]`. */
export function renderPath(schema: z.ZodType, path: readonly Segment[]): string {
  let out = "";
  let s: z.ZodType | undefined = schema;
  for (const seg of path) {
    const next = step(s, seg);
    if (typeof seg === "number" || next.isKey) out += `[${String(seg)}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
    s = next.schema;
  }
  return out;
}

function schemaAt(schema: z.ZodType, path: readonly Segment[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const seg of path) s = step(s, seg).schema;
  return unwrap(s);
}

/** Zod says "number" for a whole-number schema given a string; Kubernetes would say integer. */
function expectedType(schema: z.ZodType, path: readonly Segment[], expected: string): string {
  if (expected !== "number") return expected;
  const format = defOf(schemaAt(schema, path))?.format;
  return format === "safeint" || format === "int32" ? "int" : expected;
}

function valueAt(data: unknown, path: readonly Segment[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

const TYPE_NAMES: Record<string, string> = { int: "integer", record: "object" };

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function typeDetail(types: string[]): string {
  const unique = [...new Set(types.map(typeName))];
  return `must be of type ${unique.join(" or ")}`;
}

/** Every branch of a union failed on the value itself: report the types it could have had. */
function unionTypes(issue: Extract<Issue, { code: "invalid_union" }>): string[] | undefined {
  const types: string[] = [];
  for (const branch of issue.errors) {
    for (const sub of branch) {
      if (sub.code !== "invalid_type" || sub.path.length > 0) return undefined;
      types.push(sub.expected);
    }
  }
  return types.length ? types : undefined;
}

function convert(schema: z.ZodType, data: unknown, issue: Issue, prefix: Segment[], out: SchemaErrors): void {
  const path = [...prefix, ...issue.path];
  const field = renderPath(schema, path);
  const value = valueAt(data, path);
  switch (issue.code) {
    case "invalid_type":
      out.errors.push(
        value === undefined
          ? required(field)
          : typeInvalid(field, value, typeDetail([expectedType(schema, path, issue.expected)])),
      );
      return;
    case "unrecognized_keys":
      for (const k of issue.keys) out.unknownFields.push(renderPath(schema, [...path, k]));
      return;
    case "invalid_value":
      out.errors.push(notSupported(field, value, issue.values.map(String)));
      return;
    case "invalid_union": {
      const types = unionTypes(issue);
      if (types) {
        out.errors.push(value === undefined ? required(field) : typeInvalid(field, value, typeDetail(types)));
        return;
      }
      // Objects of several shapes: report the branch that came closest.
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      for (const sub of closest) convert(schema, data, sub, path, out);
      return;
    }
    default:
      out.errors.push(invalid(field, value, issue.message));
  }
}

/** Turns the issues of parsing `data` with `schema` into Kubernetes-style field errors. */
export function schemaErrors(schema: z.ZodType, data: unknown, issues: readonly Issue[]): SchemaErrors {
  const out: SchemaErrors = { errors: [], unknownFields: [] };
  for (const issue of issues) convert(schema, data, issue, [], out);
  return out;
}

import { kindSchema } from "@minik8s/api/kind-schemas";
import type { KindInfo } from "@minik8s/api/registry";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import { resolveType } from "../resources.js";

interface Def {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  element?: Schema;
  entries?: Record<string, string>;
  values?: unknown[];
  options?: Schema[];
  valueType?: Schema;
  getter?: () => Schema;
  in?: Schema;
  format?: string;
}
interface Schema {
  _zod: { def: Def };
  description?: string;
}

/** Descriptions of the fields every kind has (the schemas describe structure, not meaning). */
const DESCRIPTIONS: Record<string, string> = {
  apiVersion:
    "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.",
  kind: "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.",
  metadata: "Standard object's metadata.",
  spec: "Specification of the desired behavior of the object.",
  status:
    "Most recently observed status of the object. This data may not be up to date. Populated by the system. Read-only.",
};

/** Unwraps optional/default/lazy/pipe wrappers; `required` is false once an optional was seen. */
function unwrap(schema: Schema): { schema: Schema; required: boolean } {
  let s = schema;
  let required = true;
  for (;;) {
    const d = s._zod.def;
    if (d.type === "optional" || d.type === "default" || d.type === "nullable" || d.type === "prefault") {
      if (d.type !== "nullable") required = false;
      s = d.innerType!;
    } else if (d.type === "lazy") s = d.getter!();
    else if (d.type === "pipe") s = d.in!;
    else return { schema: s, required };
  }
}

/** kubectl's type names: <string>, <integer>, <[]Object>, <map[string]string>, <Object>. */
export function typeName(schema: Schema): string {
  const { schema: s } = unwrap(schema);
  const d = s._zod.def;
  switch (d.type) {
    case "string":
    case "enum":
      return "string";
    case "literal":
      return typeof d.values?.[0] === "number" ? "integer" : "string";
    case "number":
      return d.format?.includes("int") ? "integer" : "number";
    case "int":
      return "integer";
    case "boolean":
      return "boolean";
    case "array":
      return `[]${typeName(d.element!)}`;
    case "record":
      return `map[string]${typeName(d.valueType!)}`;
    case "object":
      return "Object";
    case "union": {
      const names = new Set((d.options ?? []).map(typeName));
      if (names.has("integer") && names.has("string")) return "IntOrString";
      return names.size === 1 ? [...names][0]! : "Object";
    }
    default:
      return "Object";
  }
}

function fieldsOf(schema: Schema): Record<string, Schema> | undefined {
  let { schema: s } = unwrap(schema);
  while (s._zod.def.type === "array") s = unwrap(s._zod.def.element!).schema;
  if (s._zod.def.type === "union") {
    const obj = (s._zod.def.options ?? [])
      .map((o) => unwrap(o).schema)
      .find((o) => o._zod.def.type === "object");
    if (obj) s = obj;
  }
  return s._zod.def.type === "object" ? s._zod.def.shape : undefined;
}

function enumOf(schema: Schema): string[] | undefined {
  const { schema: s } = unwrap(schema);
  if (s._zod.def.type === "enum") return Object.values(s._zod.def.entries ?? {});
  return undefined;
}

function wrap(text: string, indent: string, width = 80): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && (indent + line + " " + w).length > width) {
      lines.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(indent + line);
  return lines.join("\n");
}

export function explain(info: KindInfo, path: string[], recursive = false): string {
  let schema = kindSchema(info) as unknown as Schema;
  let fieldName: string | undefined;
  for (const part of path) {
    const fields = fieldsOf(schema);
    const next = fields?.[part];
    if (!next) throw new CliError(`field "${part}" does not exist`);
    schema = next;
    fieldName = part;
  }
  let out = "";
  if (info.group) out += `GROUP:      ${info.group}\n`;
  out += `KIND:       ${info.kind}\nVERSION:    ${info.version}\n\n`;
  if (fieldName) {
    const { required } = unwrap(schema);
    out += `FIELD: ${fieldName} <${typeName(schema)}>${required ? " -required-" : ""}\n`;
    const values = enumOf(schema);
    if (values) out += `ENUM:\n${values.map((v) => `    ${v}\n`).join("")}`;
    out += "\n";
  }
  const description =
    schema.description ??
    (fieldName
      ? DESCRIPTIONS[fieldName]
      : `${info.kind} is a ${info.group || "core"}/${info.version} object.`);
  out += `DESCRIPTION:\n${description ? wrap(description, "    ") : "    <empty>"}\n    \n`;
  const fields = fieldsOf(schema);
  if (fields && Object.keys(fields).length > 0) {
    out += "FIELDS:\n";
    if (recursive) out += recursiveFields(fields, "  ");
    else
      for (const [name, field] of Object.entries(fields)) {
        const { required } = unwrap(field);
        out += `  ${name}\t<${typeName(field)}>${required ? " -required-" : ""}\n`;
        const values = enumOf(field);
        if (values) out += `  enum: ${values.join(", ")}\n`;
        const desc = field.description ?? (path.length === 0 ? DESCRIPTIONS[name] : undefined);
        out += desc ? `${wrap(desc, "    ")}\n\n` : `    <no description>\n\n`;
      }
  }
  return out;
}

function recursiveFields(fields: Record<string, Schema>, indent: string, depth = 0): string {
  let out = "";
  for (const [name, field] of Object.entries(fields)) {
    const { required } = unwrap(field);
    out += `${indent}${name}\t<${typeName(field)}>${required ? " -required-" : ""}\n`;
    const nested = fieldsOf(field);
    if (nested && depth < 12) out += recursiveFields(nested, `${indent}  `, depth + 1);
  }
  return out;
}

/** `mkctl explain TYPE[.FIELD...]`. */
export function runExplain(ctx: Ctx, text: string, flags: { recursive?: boolean }): void {
  const [type, ...path] = text.split(".");
  ctx.out(explain(resolveType(type!), path, flags.recursive));
}

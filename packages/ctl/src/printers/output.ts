import { CliError } from "../errors.js";
import type { KubeObject } from "../manifests.js";
import { type CustomColumn, parseCustomColumns, printCustomColumns } from "./custom-columns.js";
import { JsonPath, JsonPathError } from "./jsonpath.js";
import { objectName } from "./name-printer.js";
import { toJson, toYaml } from "./yaml-printer.js";

/** What `-o` asked for. Tables (default, wide) are printed by `get` from server-side Tables. */
export type OutputFormat =
  | { kind: "table"; wide: boolean }
  | { kind: "yaml" }
  | { kind: "json" }
  | { kind: "name" }
  | { kind: "jsonpath"; path: JsonPath }
  | { kind: "custom-columns"; columns: CustomColumn[] };

const ALLOWED =
  "custom-columns, custom-columns-file, go-template, go-template-file, json, jsonpath, jsonpath-as-json, jsonpath-file, name, template, templatefile, wide, yaml";

export function parseOutput(text: string | undefined, allowed: "get" | "object" = "get"): OutputFormat {
  if (!text) return { kind: "table", wide: false };
  const eq = text.indexOf("=");
  const name = eq < 0 ? text : text.slice(0, eq);
  const arg = eq < 0 ? "" : text.slice(eq + 1);
  switch (name) {
    case "wide":
      if (allowed === "get") return { kind: "table", wide: true };
      break;
    case "yaml":
      return { kind: "yaml" };
    case "json":
      return { kind: "json" };
    case "name":
      return { kind: "name" };
    case "jsonpath":
    case "jsonpath-as-json":
      if (!arg) throw new CliError("template format specified but no template given");
      return { kind: "jsonpath", path: new JsonPath(arg) };
    case "custom-columns":
      return { kind: "custom-columns", columns: parseCustomColumns(arg) };
  }
  throw new CliError(
    `unable to match a printer suitable for the output format "${text}", allowed formats are: ${ALLOWED}`,
  );
}

/** kubectl's List wrapper for several objects in -o yaml|json|jsonpath. */
export function asList(items: KubeObject[]): KubeObject {
  return { apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } };
}

/**
 * Prints objects in a non-table format. `single` prints the object itself rather than a List,
 * as kubectl does when one object was asked for by name.
 */
export function printObjects(
  format: OutputFormat,
  objects: KubeObject[],
  single: boolean,
  opts: { noHeaders?: boolean } = {},
): string {
  const value = single && objects.length === 1 ? objects[0]! : asList(objects);
  switch (format.kind) {
    case "yaml":
      return toYaml(value);
    case "json":
      return toJson(value);
    case "name":
      return objects.map((o) => `${objectName(o)}\n`).join("");
    case "jsonpath":
      try {
        return format.path.execute(value);
      } catch (err) {
        if (err instanceof JsonPathError) {
          throw new CliError(
            `error executing jsonpath ${JSON.stringify(format.path.template)}: Error executing template: ${err.message}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t${format.path.template}\n\tobject given to jsonpath engine was:\n\t\t${JSON.stringify(value)}\n\n`,
          );
        }
        throw err;
      }
    case "custom-columns":
      return printCustomColumns(format.columns, objects, opts);
    case "table":
      return objects.map((o) => `${objectName(o)}\n`).join("");
  }
}

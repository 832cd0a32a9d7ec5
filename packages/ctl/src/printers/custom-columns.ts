import { CliError } from "../errors.js";
import { JsonPath, printValue, relaxedTemplate } from "./jsonpath.js";
import { TabWriter } from "./tabwriter.js";

export interface CustomColumn {
  header: string;
  path: JsonPath;
}

/** Parses `NAME:.metadata.name,IMAGE:.spec.containers[*].image`. */
export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec.trim() === "") throw new CliError("custom-columns format specified but no custom columns given");
  return spec.split(",").map((part) => {
    const colon = part.indexOf(":");
    if (colon < 0) {
      throw new CliError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    }
    return { header: part.slice(0, colon), path: new JsonPath(relaxedTemplate(part.slice(colon + 1))) };
  });
}

/** The column lines for objects: values of one cell joined by ",", `<none>` where nothing matched. */
export function customColumnLines(columns: CustomColumn[], objects: unknown[]): string[][] {
  return objects.map((obj) =>
    columns.map((c) => {
      const values = c.path.find(obj).filter((v) => v !== undefined);
      return values.length === 0 ? "<none>" : values.map(printValue).join(",");
    }),
  );
}

export function printCustomColumns(
  columns: CustomColumn[],
  objects: unknown[],
  opts: { noHeaders?: boolean } = {},
  writer = new TabWriter(),
): string {
  const lines = customColumnLines(columns, objects);
  return writer.format(opts.noHeaders ? lines : [columns.map((c) => c.header), ...lines]);
}

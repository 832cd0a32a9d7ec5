import { TabWriter } from "./tabwriter.js";

export interface TableColumn {
  name: string;
  type?: string;
  format?: string;
  description?: string;
  priority?: number;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } } & Record<
    string,
    unknown
  >;
}

/** A meta.k8s.io/v1 Table, as the apiserver answers `Accept: application/json;as=Table;...`. */
export interface Table {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string };
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

export interface TableOptions {
  wide?: boolean;
  noHeaders?: boolean;
  /** `-A`: a NAMESPACE column first. */
  withNamespace?: boolean;
  showLabels?: boolean;
  /** `-L key`: one column per label key. */
  labelColumns?: string[];
  /** `get all` / several types: the name cell becomes `pod/web-1`. */
  kindPrefix?: string;
}

/** The header line and cell lines kubectl's table printer makes from a server-side Table. */
export function tableLines(table: Table, opts: TableOptions = {}): { header: string[]; rows: string[][] } {
  const visible = table.columnDefinitions
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => opts.wide || !c.priority);
  const header: string[] = [];
  if (opts.withNamespace) header.push("NAMESPACE");
  for (const { c } of visible) header.push(c.name.toUpperCase());
  for (const key of opts.labelColumns ?? []) header.push(key.split("/").pop()!.toUpperCase());
  if (opts.showLabels) header.push("LABELS");

  const rows = table.rows.map((row) => {
    const meta = row.object?.metadata ?? {};
    const line: string[] = [];
    if (opts.withNamespace) line.push(meta.namespace ?? "");
    for (const { c, i } of visible) {
      let cell = cellText(row.cells[i]);
      if (opts.kindPrefix && c.format === "name") cell = `${opts.kindPrefix}/${cell}`;
      line.push(cell);
    }
    for (const key of opts.labelColumns ?? []) line.push(meta.labels?.[key] ?? "");
    if (opts.showLabels) line.push(formatLabels(meta.labels));
    return line;
  });
  return { header, rows };
}

/** Renders a Table as kubectl does, header included unless `noHeaders`. */
export function printTable(table: Table, opts: TableOptions = {}, writer = new TabWriter()): string {
  const { header, rows } = tableLines(table, opts);
  return writer.format(opts.noHeaders ? rows : [header, ...rows]);
}

/** A cell as kubectl prints it: strings cut at the first line break (with "..."), nil empty. */
export function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "string") {
    const cut = cell.search(/[\f\n\r]/);
    return cut >= 0 ? `${cell.slice(0, cut)}...` : cell;
  }
  if (typeof cell === "object") return JSON.stringify(cell);
  return String(cell);
}

/** `app=web,tier=front` sorted by key, `<none>` when empty: labels.FormatLabels. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${labels![k]}`).join(",");
}

import type { Table, TableColumnDefinition, TableRow } from "@minik8s/api";
import type { ApiObject } from "../watch/watch-event.js";

/** `meta.k8s.io/v1` Table, the shape kubectl renders for `get` (server-side printing). */
export type { Table, TableColumnDefinition, TableRow };
export type TableRowCondition = NonNullable<TableRow["conditions"]>[number];
export type TableListMeta = NonNullable<Table["metadata"]>;

/** The cells (and row conditions) one object prints as, before `object` is attached. */
export interface PrintedRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
}

/**
 * One kind's server-side printer: its columns, defined once, and how one object fills them.
 * Objects arrive as stored JSON, so each printer reads them through the fields it needs.
 */
export interface Printer {
  columns: TableColumnDefinition[];
  row(obj: ApiObject, now: Date): PrintedRow;
}

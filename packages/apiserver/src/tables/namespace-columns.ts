import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, column, NAME_COLUMN } from "./columns.js";
import { creationOf, nameOf, statusOf, str } from "./fields.js";
import type { Printer } from "./table.js";

/** `kubectl get namespaces`: NAME STATUS AGE. */
export const namespacePrinter: Printer = {
  columns: [NAME_COLUMN, column("Status", "string", "The status of the namespace"), AGE_COLUMN],
  row: (ns: ApiObject, now: Date) => ({
    cells: [nameOf(ns), str(statusOf(ns).phase), translateTimestampSince(creationOf(ns), now)],
  }),
};

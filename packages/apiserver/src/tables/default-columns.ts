import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, NAME_COLUMN } from "./columns.js";
import { creationOf, nameOf } from "./fields.js";
import type { Printer } from "./table.js";

/**
 * NAME AGE, for kinds without a printer of their own. Kubernetes' generic table has NAME and
 * CREATED AT (an RFC 3339 date); we print an age instead, as kubectl does for a plain list.
 */
export const defaultPrinter: Printer = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  row: (o: ApiObject, now: Date) => ({ cells: [nameOf(o), translateTimestampSince(creationOf(o), now)] }),
};

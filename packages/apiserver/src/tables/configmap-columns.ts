import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, column, NAME_COLUMN } from "./columns.js";
import { creationOf, nameOf, obj } from "./fields.js";
import type { Printer } from "./table.js";

/** `kubectl get configmaps`: NAME DATA AGE, DATA counting `data` and `binaryData` keys. */
export const configMapPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column(
      "Data",
      "string",
      "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'.",
    ),
    AGE_COLUMN,
  ],
  row: (cm: ApiObject, now: Date) => ({
    cells: [
      nameOf(cm),
      Object.keys(obj(cm.data)).length + Object.keys(obj(cm.binaryData)).length,
      translateTimestampSince(creationOf(cm), now),
    ],
  }),
};

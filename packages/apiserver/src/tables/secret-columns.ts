import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, column, NAME_COLUMN } from "./columns.js";
import { creationOf, nameOf, obj, str } from "./fields.js";
import type { Printer } from "./table.js";

/** `kubectl get secrets`: NAME TYPE DATA AGE. Only the number of keys is printed, never a value. */
export const secretPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column("Type", "string", "Used to facilitate programmatic handling of secret data."),
    column(
      "Data",
      "string",
      "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'.",
    ),
    AGE_COLUMN,
  ],
  row: (secret: ApiObject, now: Date) => ({
    cells: [
      nameOf(secret),
      str(secret.type),
      Object.keys(obj(secret.data)).length,
      translateTimestampSince(creationOf(secret), now),
    ],
  }),
};

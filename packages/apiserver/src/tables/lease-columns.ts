import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, column, NAME_COLUMN } from "./columns.js";
import { creationOf, nameOf, specOf, str } from "./fields.js";
import type { Printer } from "./table.js";

/** `kubectl get leases`: NAME HOLDER AGE. */
export const leasePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column("Holder", "string", "holderIdentity contains the identity of the holder of a current lease."),
    AGE_COLUMN,
  ],
  row: (lease: ApiObject, now: Date) => ({
    cells: [
      nameOf(lease),
      str(specOf(lease).holderIdentity),
      translateTimestampSince(creationOf(lease), now),
    ],
  }),
};

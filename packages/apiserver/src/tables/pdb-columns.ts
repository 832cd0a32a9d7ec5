import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, column, NAME_COLUMN } from "./columns.js";
import { creationOf, nameOf, num, specOf, statusOf } from "./fields.js";
import type { Printer } from "./table.js";

/** `kubectl get pdb`: NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE. */
export const pdbPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column("Min Available", "string", "The minimum number of pods that must be available."),
    column("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
    column("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
    AGE_COLUMN,
  ],
  row(pdb: ApiObject, now: Date) {
    const spec = specOf(pdb);
    return {
      cells: [
        nameOf(pdb),
        intOrPercent(spec.minAvailable),
        intOrPercent(spec.maxUnavailable),
        num(statusOf(pdb).disruptionsAllowed),
        translateTimestampSince(creationOf(pdb), now),
      ],
    };
  },
};

/** Kubernetes prints an unset bound as "N/A". */
function intOrPercent(value: unknown): string {
  return typeof value === "number" || typeof value === "string" ? String(value) : "N/A";
}

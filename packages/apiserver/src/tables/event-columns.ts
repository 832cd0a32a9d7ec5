import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { column } from "./columns.js";
import { nameOf, num, obj, str } from "./fields.js";
import type { Printer } from "./table.js";

/**
 * `kubectl get events`: LAST SEEN TYPE REASON OBJECT MESSAGE, wide adds SUBOBJECT SOURCE FIRST SEEN
 * COUNT NAME. The name column is wide-only here, so kubectl's NAME column is not the first.
 */
export const eventPrinter: Printer = {
  columns: [
    column("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
    column("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
    column(
      "Reason",
      "string",
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    column("Object", "string", "The object that this event is about."),
    column(
      "Subobject",
      "string",
      "The field of the involved object the event is about, e.g. spec.containers{name}.",
      {
        wide: true,
      },
    ),
    column("Source", "string", "The component reporting this event.", { wide: true }),
    column("Message", "string", "A human-readable description of the status of this operation."),
    column("First Seen", "string", "The time at which the event was first recorded.", { wide: true }),
    column("Count", "string", "The number of times this event has occurred.", { wide: true }),
    column("Name", "string", "Name of the event.", { wide: true, format: "name" }),
  ],
  row(event: ApiObject, now: Date) {
    const involved = obj(event.involvedObject);
    const source = obj(event.source);
    const series = event.series === undefined ? undefined : obj(event.series);
    const firstSeen = translateTimestampSince(str(event.firstTimestamp) || str(event.eventTime), now);
    let lastSeen = str(event.lastTimestamp)
      ? translateTimestampSince(str(event.lastTimestamp), now)
      : firstSeen;
    let count = num(event.count);
    if (series) {
      lastSeen = translateTimestampSince(str(series.lastObservedTime), now);
      count = num(series.count);
    } else if (count === 0) {
      // Events written through events.k8s.io leave count unset for a single occurrence.
      count = 1;
    }
    const kind = str(involved.kind).toLowerCase();
    const target = str(involved.name) ? `${kind}/${str(involved.name)}` : kind;
    const component = str(source.component) || str(event.reportingComponent);
    const instance = str(source.host) || str(event.reportingInstance);
    return {
      cells: [
        lastSeen,
        str(event.type),
        str(event.reason),
        target,
        str(involved.fieldPath),
        instance ? `${component}, ${instance}` : component,
        str(event.message).trim(),
        firstSeen,
        count,
        nameOf(event),
      ],
    };
  },
};

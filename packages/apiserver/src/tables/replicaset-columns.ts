import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, CONTAINERS_COLUMN, column, IMAGES_COLUMN, NAME_COLUMN } from "./columns.js";
import { creationOf, nameOf, num, specOf, statusOf } from "./fields.js";
import { formatLabelSelector, layoutContainerCells, templatePodSpec } from "./format.js";
import type { Printer } from "./table.js";

/** `kubectl get replicasets`: NAME DESIRED CURRENT READY AGE, wide CONTAINERS IMAGES SELECTOR. */
export const replicaSetPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column("Desired", "integer", "Replicas is the number of desired pods."),
    column("Current", "integer", "Replicas is the most recently observed number of non-terminating pods."),
    column(
      "Ready",
      "integer",
      "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.",
    ),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column("Selector", "string", "Selector is a label query over pods that should match the replica count.", {
      wide: true,
    }),
  ],
  row(rs: ApiObject, now: Date) {
    const spec = specOf(rs);
    const status = statusOf(rs);
    const { names, images } = layoutContainerCells(templatePodSpec(spec));
    return {
      cells: [
        nameOf(rs),
        num(spec.replicas),
        num(status.replicas),
        num(status.readyReplicas),
        translateTimestampSince(creationOf(rs), now),
        names,
        images,
        formatLabelSelector(spec.selector),
      ],
    };
  },
};

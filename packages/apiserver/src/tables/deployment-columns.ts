import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, CONTAINERS_COLUMN, column, IMAGES_COLUMN, NAME_COLUMN } from "./columns.js";
import { creationOf, nameOf, num, specOf, statusOf } from "./fields.js";
import { labelSelectorText, layoutContainerCells, templatePodSpec } from "./format.js";
import type { Printer } from "./table.js";

/** `kubectl get deployments`: NAME READY UP-TO-DATE AVAILABLE AGE, wide CONTAINERS IMAGES SELECTOR. */
export const deploymentPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column("Ready", "string", "Number of the pod with ready state"),
    // Kubernetes declares these two as strings although their cells are integers.
    column(
      "Up-to-date",
      "string",
      "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
    ),
    column(
      "Available",
      "string",
      "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
    ),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column("Selector", "string", "Label selector for pods.", { wide: true }),
  ],
  row(deploy: ApiObject, now: Date) {
    const spec = specOf(deploy);
    const status = statusOf(deploy);
    const { names, images } = layoutContainerCells(templatePodSpec(spec));
    return {
      cells: [
        nameOf(deploy),
        `${num(status.readyReplicas)}/${num(spec.replicas)}`,
        num(status.updatedReplicas),
        num(status.availableReplicas),
        translateTimestampSince(creationOf(deploy), now),
        names,
        images,
        // Unlike other workloads, an empty selector prints as an empty cell here, as in kubectl.
        labelSelectorText(spec.selector, "<invalid>"),
      ],
    };
  },
};

import type { ApiObject } from "../watch/watch-event.js";
import { humanDuration, translateTimestampSince } from "./age.js";
import { AGE_COLUMN, CONTAINERS_COLUMN, column, IMAGES_COLUMN, NAME_COLUMN } from "./columns.js";
import { arr, creationOf, isDeleting, type Json, nameOf, num, specOf, statusOf, str } from "./fields.js";
import { formatLabelSelector, layoutContainerCells, templatePodSpec } from "./format.js";
import type { Printer } from "./table.js";

/** `kubectl get jobs`: NAME STATUS COMPLETIONS DURATION AGE, wide CONTAINERS IMAGES SELECTOR. */
export const jobPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column("Status", "string", "Status of the job."),
    column("Completions", "string", "The number of pods which reached phase Succeeded."),
    column("Duration", "string", "Time required to complete the job."),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column("Selector", "string", "A label query over pods that should match the pod count.", { wide: true }),
  ],
  row(job: ApiObject, now: Date) {
    const spec = specOf(job);
    const status = statusOf(job);
    const { names, images } = layoutContainerCells(templatePodSpec(spec));
    return {
      cells: [
        nameOf(job),
        jobStatus(job, arr(status.conditions)),
        completions(spec, status),
        jobDuration(status, now),
        translateTimestampSince(creationOf(job), now),
        names,
        images,
        formatLabelSelector(spec.selector),
      ],
    };
  },
};

/** "2/3"; with no completions set, "1/1", or "0/1 of 4" for a work queue of parallel pods. */
function completions(spec: Json, status: Json): string {
  const succeeded = num(status.succeeded);
  if (typeof spec.completions === "number") return `${succeeded}/${spec.completions}`;
  const parallelism = num(spec.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Running jobs count up to now; finished ones show start to completion; unstarted ones nothing. */
function jobDuration(status: Json, now: Date): string {
  const start = Date.parse(str(status.startTime));
  if (Number.isNaN(start)) return "";
  const end = Date.parse(str(status.completionTime));
  return humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
}

function jobStatus(job: ApiObject, conditions: Json[]): string {
  const has = (type: string) => str(conditions.find((c) => str(c.type) === type)?.status) === "True";
  if (has("Complete")) return "Complete";
  if (has("Failed")) return "Failed";
  if (isDeleting(job)) return "Terminating";
  if (has("Suspended")) return "Suspended";
  if (has("FailureTarget")) return "FailureTarget";
  return "Running";
}

import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, CONTAINERS_COLUMN, column, IMAGES_COLUMN, NAME_COLUMN } from "./columns.js";
import { arr, creationOf, nameOf, obj, specOf, statusOf, str } from "./fields.js";
import { formatLabelSelector, layoutContainerCells, templatePodSpec } from "./format.js";
import type { Printer } from "./table.js";

/** `kubectl get cronjobs`: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE, wide CONTAINERS IMAGES SELECTOR. */
export const cronJobPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column("Schedule", "string", "The schedule in Cron format."),
    column("Timezone", "string", "The time zone name for the given schedule."),
    column("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions."),
    column("Active", "integer", "A list of pointers to currently running jobs."),
    column(
      "Last Schedule",
      "string",
      "Information when was the last time the job was successfully scheduled.",
    ),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column("Selector", "string", "A label query over pods that should match the pod count.", { wide: true }),
  ],
  row(cronJob: ApiObject, now: Date) {
    const spec = specOf(cronJob);
    const status = statusOf(cronJob);
    const jobSpec = obj(obj(spec.jobTemplate).spec);
    const { names, images } = layoutContainerCells(templatePodSpec(jobSpec));
    const lastSchedule = str(status.lastScheduleTime);
    return {
      cells: [
        nameOf(cronJob),
        str(spec.schedule),
        str(spec.timeZone) || "<none>",
        typeof spec.suspend === "boolean" ? (spec.suspend ? "True" : "False") : "<unset>",
        arr(status.active).length,
        lastSchedule ? translateTimestampSince(lastSchedule, now) : "<none>",
        translateTimestampSince(creationOf(cronJob), now),
        names,
        images,
        formatLabelSelector(jobSpec.selector),
      ],
    };
  },
};

import type { Plugin } from "../framework/types.js";

/**
 * Plugins whose work happens outside the filter/score framework, named so a profile can list them as
 * Kubernetes' default profile does: PrioritySort orders the scheduling queue, SchedulingGates holds
 * gated pods back from it, DefaultBinder POSTs the Binding. They carry no methods here.
 */
export const PRIORITY_SORT = "PrioritySort";
export const SCHEDULING_GATES = "SchedulingGates";
export const DEFAULT_BINDER = "DefaultBinder";

export const prioritySort = (): Plugin => ({ name: PRIORITY_SORT, points: ["queueSort"] });
export const schedulingGates = (): Plugin => ({ name: SCHEDULING_GATES, points: ["preEnqueue"] });
export const defaultBinder = (): Plugin => ({ name: DEFAULT_BINDER, points: ["bind"] });

import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, column, NAME_COLUMN } from "./columns.js";
import { arr, creationOf, type Json, nameOf, num, obj, specOf, statusOf, str } from "./fields.js";
import type { Printer } from "./table.js";

/** `kubectl get hpa`: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE. */
export const hpaPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column("Reference", "string", "The target resource that this autoscaler scales."),
    column("Targets", "string", "The metrics used to calculate the desired replica count."),
    column(
      "MinPods",
      "string",
      "The lower limit for the number of replicas to which the autoscaler can scale down.",
    ),
    column(
      "MaxPods",
      "string",
      "The upper limit for the number of replicas to which the autoscaler can scale up.",
    ),
    column("Replicas", "string", "The current number of replicas of pods managed by this autoscaler."),
    AGE_COLUMN,
  ],
  row(hpa: ApiObject, now: Date) {
    const spec = specOf(hpa);
    const status = statusOf(hpa);
    const ref = obj(spec.scaleTargetRef);
    return {
      cells: [
        nameOf(hpa),
        `${str(ref.kind)}/${str(ref.name)}`,
        formatMetrics(spec, status),
        typeof spec.minReplicas === "number" ? String(spec.minReplicas) : "<unset>",
        num(spec.maxReplicas),
        num(status.currentReplicas),
        translateTimestampSince(creationOf(hpa), now),
      ],
    };
  },
};

const SHOWN = 2;

/**
 * "cpu: 40%/80%, memory: 100Mi/200Mi + 1 more...". An autoscaling/v1 object has only a CPU
 * utilisation target, which Kubernetes prints as the equivalent v2 resource metric.
 */
function formatMetrics(spec: Json, status: Json): string {
  let specs = arr(spec.metrics);
  let statuses = arr(status.currentMetrics);
  if (specs.length === 0 && typeof spec.targetCPUUtilizationPercentage === "number") {
    specs = [
      {
        type: "Resource",
        resource: { name: "cpu", target: { averageUtilization: spec.targetCPUUtilizationPercentage } },
      },
    ];
    statuses =
      typeof status.currentCPUUtilizationPercentage === "number"
        ? [{ resource: { current: { averageUtilization: status.currentCPUUtilizationPercentage } } }]
        : [];
  }
  if (specs.length === 0) return "<none>";
  const list = specs.map((metric, i) => formatMetric(metric, statuses[i]));
  const shown = list.slice(0, SHOWN).join(", ");
  return list.length > SHOWN ? `${shown} + ${list.length - SHOWN} more...` : shown;
}

function formatMetric(metric: Json, current: Json | undefined): string {
  const unknown = "<unknown>";
  switch (str(metric.type)) {
    case "Resource":
    case "ContainerResource": {
      const field = str(metric.type) === "Resource" ? "resource" : "containerResource";
      const source = obj(metric[field]);
      const target = obj(source.target);
      const now = current?.[field] === undefined ? undefined : obj(obj(current[field]).current);
      if (target.averageValue !== undefined) {
        return `${str(source.name)}: ${quantity(now?.averageValue) || unknown}/${quantity(target.averageValue)}`;
      }
      const used = typeof now?.averageUtilization === "number" ? `${now.averageUtilization}%` : unknown;
      const wanted =
        typeof target.averageUtilization === "number" ? `${target.averageUtilization}%` : "<auto>";
      return `${str(source.name)}: ${used}/${wanted}`;
    }
    case "Pods": {
      const now = current?.pods === undefined ? undefined : obj(obj(current.pods).current);
      return `${quantity(now?.averageValue) || unknown}/${quantity(obj(obj(metric.pods).target).averageValue)}`;
    }
    case "Object":
    case "External": {
      const field = str(metric.type) === "Object" ? "object" : "external";
      const target = obj(obj(metric[field]).target);
      const now = current?.[field] === undefined ? undefined : obj(obj(current[field]).current);
      if (target.averageValue !== undefined) {
        return `${quantity(now?.averageValue) || unknown}/${quantity(target.averageValue)} (avg)`;
      }
      return `${(now && quantity(now.value)) || unknown}/${quantity(target.value)}`;
    }
    default:
      return "<unknown type>";
  }
}

function quantity(value: unknown): string {
  return typeof value === "number" ? String(value) : str(value);
}

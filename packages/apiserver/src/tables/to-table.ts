import type { IncludeObjectPolicy } from "../http/negotiation.js";
import type { ApiObject } from "../watch/watch-event.js";
import { configMapPrinter } from "./configmap-columns.js";
import { cronJobPrinter } from "./cronjob-columns.js";
import { defaultPrinter } from "./default-columns.js";
import { deploymentPrinter } from "./deployment-columns.js";
import { endpointsPrinter } from "./endpoints-columns.js";
import { eventPrinter } from "./event-columns.js";
import { hpaPrinter } from "./hpa-columns.js";
import { jobPrinter } from "./job-columns.js";
import { leasePrinter } from "./lease-columns.js";
import { namespacePrinter } from "./namespace-columns.js";
import { nodePrinter } from "./node-columns.js";
import { pdbPrinter } from "./pdb-columns.js";
import { podPrinter } from "./pod-columns.js";
import { replicaSetPrinter } from "./replicaset-columns.js";
import { secretPrinter } from "./secret-columns.js";
import { servicePrinter } from "./service-columns.js";
import type { Printer, Table, TableColumnDefinition, TableListMeta, TableRow } from "./table.js";

/** Printers by `group/plural`; the core group is "". */
const PRINTERS = new Map<string, Printer>([
  ["/pods", podPrinter],
  ["/nodes", nodePrinter],
  ["/namespaces", namespacePrinter],
  ["/services", servicePrinter],
  ["/endpoints", endpointsPrinter],
  ["/configmaps", configMapPrinter],
  ["/secrets", secretPrinter],
  ["/events", eventPrinter],
  ["coordination.k8s.io/leases", leasePrinter],
  ["apps/deployments", deploymentPrinter],
  ["apps/replicasets", replicaSetPrinter],
  ["batch/jobs", jobPrinter],
  ["batch/cronjobs", cronJobPrinter],
  ["autoscaling/horizontalpodautoscalers", hpaPrinter],
  ["policy/poddisruptionbudgets", pdbPrinter],
]);

function printerFor(plural: string, group: string): Printer {
  return PRINTERS.get(`${group}/${plural}`) ?? defaultPrinter;
}

/** The columns a resource prints, for clients that render objects themselves (mkctl). */
export function tableColumns(plural: string, group: string): TableColumnDefinition[] {
  return printerFor(plural, group).columns;
}

export interface ToTableOptions {
  /** What each row carries in `object`; Metadata (a PartialObjectMetadata) unless asked otherwise. */
  includeObject?: IncludeObjectPolicy;
  /** The instant ages are measured from; the current time when omitted. */
  now?: Date;
  listMeta?: TableListMeta;
}

/**
 * Prints objects of one resource as a `meta.k8s.io/v1` Table: a list gives one row per item, a
 * single GET or a watch event a one-row table.
 */
export function toTable(
  plural: string,
  group: string,
  objects: ApiObject[],
  opts: ToTableOptions = {},
): Table {
  const printer = printerFor(plural, group);
  const now = opts.now ?? new Date();
  const includeObject = opts.includeObject ?? "Metadata";
  const rows = objects.map((o): TableRow => {
    const printed = printer.row(o, now);
    const row: TableRow = { cells: printed.cells };
    if (printed.conditions) row.conditions = printed.conditions;
    if (includeObject === "Object") row.object = o;
    if (includeObject === "Metadata") row.object = partialObjectMetadata(o);
    return row;
  });
  return {
    apiVersion: "meta.k8s.io/v1",
    kind: "Table",
    metadata: listMetaOf(opts.listMeta),
    columnDefinitions: printer.columns,
    rows,
  };
}

/** What kubectl reads namespaces and labels from (`-A`, `--show-labels`, `-L`). */
function partialObjectMetadata(o: ApiObject) {
  const { managedFields: _managedFields, ...metadata } = o.metadata ?? {};
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata };
}

function listMetaOf(meta: TableListMeta | undefined): TableListMeta {
  const out: TableListMeta = {};
  if (meta?.resourceVersion) out.resourceVersion = meta.resourceVersion;
  if (meta?.continue) out.continue = meta.continue;
  if (meta?.remainingItemCount !== undefined) out.remainingItemCount = meta.remainingItemCount;
  return out;
}

import { Quantity } from "@minik8s/api/quantity";
import type { KindInfo } from "@minik8s/api/registry";
import { isNotFound, StatusError } from "@minik8s/api/status-error";
import {
  asTable,
  getObject,
  getTable,
  kindOfObject,
  listObjects,
  TABLE_ACCEPT,
  watchObjects,
  withKind,
} from "../api.js";
import { type Ctx, parseDuration } from "../context.js";
import { CliError, formatError } from "../errors.js";
import type { KubeObject } from "../manifests.js";
import { JsonPath } from "../printers/jsonpath.js";
import type { OutputFormat } from "../printers/output.js";
import { printTable, type Table, type TableOptions } from "../printers/table-printer.js";
import { TabWriter } from "../printers/tabwriter.js";
import { kindPrefix, parseResourceArgs } from "../resources.js";

export interface GetFlags {
  output?: string;
  selector?: string;
  fieldSelector?: string;
  allNamespaces?: boolean;
  watch?: boolean;
  watchOnly?: boolean;
  showLabels?: boolean;
  showKind?: boolean;
  labelColumns?: string[];
  sortBy?: string;
  headers: boolean;
  filename?: string[];
  recursive?: boolean;
  ignoreNotFound?: boolean;
}

interface Request {
  type: KindInfo;
  names: string[];
  namespace?: string | undefined;
}

async function requestsFrom(ctx: Ctx, args: string[], flags: GetFlags): Promise<Request[]> {
  if (flags.filename?.length) {
    const { readManifests } = await import("../manifests.js");
    const manifests = await readManifests(flags.filename, {
      recursive: flags.recursive,
      readStdin: () => ctx.io.readStdin(),
    });
    return manifests.map((m) => ({
      type: kindOfObject(m.object, m.source),
      names: [m.object.metadata?.name ?? ""],
      namespace: m.object.metadata?.namespace,
    }));
  }
  if (args.length === 0) {
    throw new CliError(
      'You must specify the type of resource to get. Use "mkctl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "mkctl explain <resource>" for a detailed description of that resource (e.g. mkctl explain pods).\nSee \'mkctl get -h\' for help and examples',
      1,
      true,
    );
  }
  return parseResourceArgs(args);
}

export async function runGet(ctx: Ctx, args: string[], flags: GetFlags): Promise<void> {
  // The default table needs none of the object printers (YAML, JSONPath, columns).
  const printers = flags.output ? await import("../printers/output.js") : undefined;
  const format: OutputFormat = printers?.parseOutput(flags.output) ?? { kind: "table", wide: false };
  const requests = await requestsFrom(ctx, args, flags);
  const allNamespaces = Boolean(flags.allNamespaces);
  const ns = allNamespaces ? undefined : ctx.namespace;
  const multipleTypes =
    new Set(requests.map((r) => r.type)).size > 1 || args[0]?.toLowerCase().split(",").includes("all");
  const byName = requests.every((r) => r.names.length > 0);
  const sel = { labelSelector: flags.selector, fieldSelector: flags.fieldSelector };

  if (flags.watch || flags.watchOnly) {
    if (requests.length !== 1 || requests[0]!.names.length > 1) {
      throw new CliError(
        "watch is only supported on individual resources and resource collections, but multiple resources were found",
      );
    }
    return watchGet(ctx, requests[0]!, ns, flags, format, allNamespaces, printers);
  }

  let failed = false;
  const reportError = (err: unknown) => {
    if (flags.ignoreNotFound && isNotFound(err)) return;
    if (!(err instanceof StatusError)) throw err;
    failed = true;
    ctx.err(`${formatError(err)}\n`);
  };

  if (format.kind === "table") {
    const sections: string[] = [];
    let total = 0;
    for (const req of requests) {
      const withNamespace = allNamespaces && req.type.namespaced;
      const options: TableOptions = {
        wide: format.wide,
        noHeaders: !flags.headers,
        withNamespace,
        showLabels: flags.showLabels,
        labelColumns: flags.labelColumns,
        kindPrefix: multipleTypes || flags.showKind ? kindPrefix(req.type) : undefined,
      };
      const table = await tableFor(ctx, req, ns, sel, flags.sortBy, reportError);
      if (!table || table.rows.length === 0) continue;
      total += table.rows.length;
      sections.push(printTable(table, options));
    }
    ctx.out(sections.join("\n"));
    if (total === 0 && !failed && !byName) ctx.err(`${noResources(ns, requests)}\n`);
  } else {
    const objects: KubeObject[] = [];
    for (const req of requests) {
      if (req.names.length > 0) {
        for (const name of req.names) {
          try {
            objects.push(
              withKind(
                await getObject(ctx.cluster, req.type, req.namespace ?? ns ?? ctx.namespace, name),
                req.type,
              ),
            );
          } catch (err) {
            reportError(err);
          }
        }
      } else {
        const list = await listObjects(ctx.cluster, req.type, ns, sel);
        objects.push(...list.items);
      }
    }
    if (flags.sortBy) sortObjects(objects, flags.sortBy);
    const single = byName && requests.length === 1 && requests[0]!.names.length === 1;
    if (objects.length === 0 && !byName && format.kind !== "json" && format.kind !== "yaml") {
      ctx.err(`${noResources(ns, requests)}\n`);
    } else if (objects.length > 0 || !byName) {
      ctx.out(printers!.printObjects(format, objects, single, { noHeaders: !flags.headers }));
    }
  }
  if (failed) throw new CliError("", 1, true);
}

function noResources(ns: string | undefined, requests: Request[]): string {
  const namespaced = requests.some((r) => r.type.namespaced);
  return ns && namespaced ? `No resources found in ${ns} namespace.` : "No resources found";
}

async function tableFor(
  ctx: Ctx,
  req: Request,
  ns: string | undefined,
  sel: { labelSelector?: string | undefined; fieldSelector?: string | undefined },
  sortBy: string | undefined,
  reportError: (err: unknown) => void,
): Promise<Table | undefined> {
  if (req.names.length === 0) {
    const table = await getTable(ctx.cluster, req.type, ns, undefined, {
      ...sel,
      includeObject: Boolean(sortBy),
    });
    if (sortBy) sortRows(table, sortBy);
    return table;
  }
  let merged: Table | undefined;
  for (const name of req.names) {
    try {
      const one = await getTable(ctx.cluster, req.type, req.namespace ?? ns ?? ctx.namespace, name);
      if (!merged) merged = one;
      else merged.rows.push(...one.rows);
    } catch (err) {
      reportError(err);
    }
  }
  return merged;
}

/** --sort-by: kubectl compares numbers as numbers, the rest as strings; missing values first. */
function sortKey(path: JsonPath, obj: unknown): unknown {
  return path.find(obj)[0];
}

function compareValues(a: unknown, b: unknown): number {
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  const qa = quantityValue(a);
  const qb = quantityValue(b);
  if (qa !== undefined && qb !== undefined) return qa - qb;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** A string that is a Kubernetes quantity ("500m", "1Gi") as its value: kubectl sorts those by value. */
function quantityValue(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  try {
    return Quantity.parse(v).toNumber();
  } catch {
    return undefined;
  }
}

function sortPath(expr: string): JsonPath {
  const t = expr.trim();
  return new JsonPath(t.startsWith("{") ? t : `{${t.startsWith(".") ? t : `.${t}`}}`);
}

export function sortObjects(objects: KubeObject[], expr: string): void {
  const path = sortPath(expr);
  const keyed = objects.map((o, i) => ({ o, i, k: sortKey(path, o) }));
  keyed.sort((a, b) => compareValues(a.k, b.k) || a.i - b.i);
  objects.splice(0, objects.length, ...keyed.map((x) => x.o));
}

function sortRows(table: Table, expr: string): void {
  const path = sortPath(expr);
  const keyed = table.rows.map((r, i) => ({ r, i, k: sortKey(path, r.object) }));
  keyed.sort((a, b) => compareValues(a.k, b.k) || a.i - b.i);
  table.rows = keyed.map((x) => x.r);
}

async function watchGet(
  ctx: Ctx,
  req: Request,
  ns: string | undefined,
  flags: GetFlags,
  format: OutputFormat,
  allNamespaces: boolean,
  printers: typeof import("../printers/output.js") | undefined,
): Promise<void> {
  const sel = {
    labelSelector: flags.selector,
    fieldSelector: req.names[0]
      ? [flags.fieldSelector, `metadata.name=${req.names[0]}`].filter(Boolean).join(",")
      : flags.fieldSelector,
  };
  const options: TableOptions = {
    wide: format.kind === "table" && format.wide,
    withNamespace: allNamespaces && req.type.namespaced,
    showLabels: flags.showLabels,
    labelColumns: flags.labelColumns,
    kindPrefix: flags.showKind ? kindPrefix(req.type) : undefined,
  };
  const writer = new TabWriter();
  let headerPrinted = !flags.headers;
  let resourceVersion: string | undefined;
  const printRows = (table: Table) => {
    const text = printTable(table, { ...options, noHeaders: headerPrinted }, writer);
    headerPrinted = true;
    ctx.out(text);
  };
  if (format.kind === "table") {
    const table = await getTable(ctx.cluster, req.type, ns, undefined, sel);
    resourceVersion = table.metadata?.resourceVersion;
    if (!flags.watchOnly) {
      if (table.rows.length > 0) printRows(table);
      else ctx.err(`${noResources(ns, [req])}\n`);
    }
  } else {
    const list = await listObjects(ctx.cluster, req.type, ns, sel);
    resourceVersion = list.metadata?.resourceVersion;
    if (!flags.watchOnly) for (const o of list.items) ctx.out(printers!.printObjects(format, [o], true));
  }
  const timeoutMs = ctx.flags.requestTimeout ? parseDuration(ctx.flags.requestTimeout) : undefined;
  const signal = timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined;
  const events = watchObjects<KubeObject | Table>(ctx.cluster, req.type, ns, {
    ...sel,
    resourceVersion,
    accept: format.kind === "table" ? TABLE_ACCEPT : undefined,
    timeoutSeconds: timeoutMs ? Math.ceil(timeoutMs / 1000) : undefined,
    signal,
  });
  for await (const ev of events) {
    if (ev.type === "BOOKMARK") continue;
    if (ev.type === "ERROR") {
      const status = ev.object as unknown as { message?: string; code?: number };
      throw new CliError(`watch error: ${status.message ?? JSON.stringify(status)}`);
    }
    if (format.kind === "table") {
      const table = (ev.object as Table).kind === "Table" ? (ev.object as Table) : undefined;
      if (table) printRows(table);
      else printRows(asTable(ev.object as KubeObject));
    } else {
      ctx.out(printers!.printObjects(format, [withKind(ev.object as KubeObject, req.type)], true));
    }
  }
}

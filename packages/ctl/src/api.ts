import { apiVersionOf, type KindInfo, kindForApiVersion } from "@minik8s/api/registry";
import { LineDecoder, type ObjectList, resourcePath } from "@minik8s/client";
import type { Cluster } from "./cluster.js";
import { CliError } from "./errors.js";
import type { KubeObject } from "./manifests.js";
import type { Table } from "./printers/table-printer.js";

/** What kubectl sends for server-side printing (KUBECTL-WIRE.md). */
export const TABLE_ACCEPT =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

export interface Selectors {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
}

export function namespaceFor(info: KindInfo, ns: string | undefined): string | undefined {
  return info.namespaced ? ns : undefined;
}

export function getObject(
  cluster: Cluster,
  info: KindInfo,
  ns: string | undefined,
  name: string,
): Promise<KubeObject> {
  return cluster.request<KubeObject>({
    path: resourcePath(info, { namespace: namespaceFor(info, ns), name }),
  });
}

/** Lists a kind; items get the apiVersion and kind the server leaves out of list items. */
export async function listObjects(
  cluster: Cluster,
  info: KindInfo,
  ns: string | undefined,
  sel: Selectors = {},
): Promise<ObjectList<KubeObject>> {
  const list = await cluster.request<ObjectList<KubeObject>>({
    path: resourcePath(info, { namespace: namespaceFor(info, ns) }),
    query: { labelSelector: sel.labelSelector || undefined, fieldSelector: sel.fieldSelector || undefined },
  });
  list.items = (list.items ?? []).map((item) => withKind(item, info));
  return list;
}

export function withKind(obj: KubeObject, info: KindInfo): KubeObject {
  if (obj.apiVersion && obj.kind) return obj;
  return { apiVersion: apiVersionOf(info), kind: info.kind, ...obj };
}

/**
 * A server-side Table of one object or a collection. An apiserver that answers with a plain
 * object or list gets kubectl's fallback: NAME and AGE only.
 */
export async function getTable(
  cluster: Cluster,
  info: KindInfo,
  ns: string | undefined,
  name: string | undefined,
  sel: Selectors & { includeObject?: boolean } = {},
): Promise<Table> {
  const reply = await cluster.request<Table | ObjectList<KubeObject> | KubeObject>({
    path: resourcePath(info, { namespace: namespaceFor(info, ns), name }),
    query:
      name === undefined
        ? {
            labelSelector: sel.labelSelector || undefined,
            fieldSelector: sel.fieldSelector || undefined,
            includeObject: sel.includeObject ? "Object" : undefined,
          }
        : { includeObject: sel.includeObject ? "Object" : undefined },
    accept: TABLE_ACCEPT,
  });
  return asTable(reply);
}

export function asTable(reply: Table | ObjectList<KubeObject> | KubeObject): Table {
  if ((reply as Table).kind === "Table") return reply as Table;
  const items = "items" in reply && Array.isArray(reply.items) ? reply.items : [reply as KubeObject];
  return {
    kind: "Table",
    metadata: { resourceVersion: (reply as ObjectList<KubeObject>).metadata?.resourceVersion ?? "" },
    columnDefinitions: [
      { name: "Name", type: "string", format: "name", priority: 0 },
      { name: "Created At", type: "date", format: "", priority: 0 },
    ],
    rows: items.map((o) => ({
      cells: [o.metadata?.name, o.metadata?.creationTimestamp],
      object: o as Table["rows"][number]["object"],
    })),
  };
}

export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

/** Watches a collection from a resourceVersion; ends when the server ends it or `signal` aborts. */
export async function* watchObjects<T>(
  cluster: Cluster,
  info: KindInfo,
  ns: string | undefined,
  opts: Selectors & {
    resourceVersion?: string | undefined;
    accept?: string;
    timeoutSeconds?: number | undefined;
    signal?: AbortSignal;
  },
): AsyncGenerator<WatchEvent<T>> {
  const stream = await cluster.requestStream({
    path: resourcePath(info, { namespace: namespaceFor(info, ns) }),
    query: {
      watch: true,
      resourceVersion: opts.resourceVersion,
      labelSelector: opts.labelSelector || undefined,
      fieldSelector: opts.fieldSelector || undefined,
      timeoutSeconds: opts.timeoutSeconds,
    },
    accept: opts.accept,
    signal: opts.signal,
  });
  try {
    for await (const ev of jsonLines<WatchEvent<T>>(stream)) yield ev;
  } catch (err) {
    if (opts.signal?.aborted) return;
    throw err;
  }
}

/**
 * Newline-delimited JSON from a stream. Unlike the client's `WatchStream`, ERROR events are
 * yielded rather than thrown, because `get -w` reports them in kubectl's own words.
 */
async function* jsonLines<T>(stream: AsyncIterable<Uint8Array>): AsyncGenerator<T> {
  const lines = new LineDecoder();
  const parse = (line: string) => (line.trim() ? [JSON.parse(line) as T] : []);
  for await (const chunk of stream) for (const line of lines.push(chunk)) yield* parse(line);
  for (const line of lines.end()) yield* parse(line);
}

/** The registry's KindInfo of an object from a manifest, or kubectl's error for unknown kinds. */
export function kindOfObject(obj: KubeObject, source?: string): KindInfo {
  const info = kindForApiVersion(obj.apiVersion ?? "", obj.kind ?? "");
  if (!info) {
    const where = source ? ` from "${source}"` : "";
    throw new CliError(
      `resource mapping not found for name: "${obj.metadata?.name ?? ""}" namespace: "${obj.metadata?.namespace ?? ""}"${where}: no matches for kind "${obj.kind}" in version "${obj.apiVersion}"\nensure CRDs are installed first`,
    );
  }
  return info;
}

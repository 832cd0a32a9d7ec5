import {
  errors,
  escapeFieldValue,
  type KindInfo,
  type PatchType,
  parseFieldSelector,
  parseLabelSelector,
  parsePatchType,
  StatusError,
  successStatus,
} from "@minik8s/api";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { parseFieldValidation } from "../registry/admit-object.js";
import { evictPod } from "../registry/eviction.js";
import { supportedFields } from "../registry/field-sets.js";
import { parseRevision, type ResourceStorage, type Selectors } from "../registry/resource-storage.js";
import type { DeleteOptions } from "../registry/strategy.js";
import { toTable } from "../tables/to-table.js";
import { jsonOf, listJson } from "../watch/cached-json.js";
import type { ApiObject, EventSource, WatchEvent } from "../watch/watch-event.js";
import type { WatchStreamOptions } from "../watch/watch-pump.js";
import { includeObjectPolicy, wantsTable } from "./negotiation.js";
import type { PodProxy } from "./pod-proxy.js";
import { parseRequestInfo, type RequestInfo } from "./request-info.js";
import { streamWatch } from "./watch-stream.js";
import {
  BASE64_BINARY_PROTOCOL,
  streamWatchOverWebSocket,
  type WebSocketHandler,
  type WebSocketRoute,
} from "./websocket.js";

/** Finds the storage of a resource by group, version and plural. */
export type StorageLookup = (group: string, version: string, resource: string) => ResourceStorage | undefined;

/** Kubernetes closes a watch after a random 30-60 minutes so clients spread their reconnects. */
const DEFAULT_WATCH_TIMEOUT_SECONDS = 1800;

/**
 * Every resource path (`/api/v1/...`, `/apis/{group}/{version}/...`) lands here: read what the
 * request is about, find that resource's storage, call the verb, and answer JSON (or a Table when
 * kubectl asks for one).
 */
export function registerResourceRoutes(app: FastifyInstance, lookup: StorageLookup, pods?: PodProxy): void {
  const handler = (request: FastifyRequest, reply: FastifyReply) => serve(request, reply, lookup, pods);
  for (const prefix of ["/api/*", "/apis/*"]) {
    app.route({ method: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], url: prefix, handler });
  }
}

async function serve(
  request: FastifyRequest,
  reply: FastifyReply,
  lookup: StorageLookup,
  pods?: PodProxy,
): Promise<unknown> {
  const url = new URL(request.url, "http://apiserver");
  const query = url.searchParams;
  const info = parseRequestInfo(request.method, url.pathname, query);
  if (!info) throw new StatusError(404, "NotFound", "the server could not find the requested resource");
  const storage = lookup(info.group, info.version, info.resource);
  if (!storage) {
    throw new StatusError(
      404,
      "NotFound",
      `the server could not find the requested resource (${info.resource})`,
    );
  }
  const kind = storage.info;
  if (!kind.namespaced && info.namespace !== undefined) {
    throw new StatusError(404, "NotFound", "the server could not find the requested resource");
  }
  if (info.subresource && !kind.subresources.some((s) => s.name === info.subresource)) {
    throw new StatusError(
      404,
      "NotFound",
      `the server could not find the requested resource (${info.resource}/${info.subresource})`,
    );
  }
  if (!verbAllowed(kind, info)) {
    throw errors.methodNotAllowed("the server does not allow this method on the requested resource");
  }
  const namespace = kind.namespaced ? info.namespace : undefined;
  const dryRun = query.getAll("dryRun").includes("All");
  const fieldValidation = parseFieldValidation(query.get("fieldValidation") ?? undefined);
  const fieldManager = query.get("fieldManager") ?? undefined;
  const accept = request.headers.accept ?? "";
  const name = info.name ?? "";

  const send = (code: number, obj: ApiObject, warnings: string[] = []) => {
    for (const w of warnings) reply.header("Warning", `299 - ${JSON.stringify(w)}`);
    // The object's cached JSON: a created or updated object is encoded once, for this answer and
    // for every watch that sees it.
    const body = !info.subresource && wantsTable(accept) ? asTable(kind, [obj], query) : jsonOf(obj);
    return reply.code(code).type("application/json").send(body);
  };

  switch (info.verb) {
    case "get":
      if (info.subresource === "scale") return send(200, await storage.getScale(namespace, name));
      if (info.subresource === "log" && pods) return pods.logs(request, reply, namespace ?? "", name);
      if (info.subresource === "log" || info.subresource === "exec") return notServed(info);
      return send(200, await storage.get(namespace, name));

    case "list": {
      validateListOptions(query);
      const selectors = parseSelectors(kind, query);
      const list = await storage.list(namespace, {
        ...selectors,
        ...optionalNumber("limit", query.get("limit")),
        ...(query.get("continue") ? { continueToken: query.get("continue")! } : {}),
        ...(query.get("resourceVersion") ? { resourceVersion: query.get("resourceVersion")! } : {}),
        ...(query.get("resourceVersionMatch")
          ? { resourceVersionMatch: query.get("resourceVersionMatch")! }
          : {}),
      });
      if (wantsTable(accept)) {
        return reply
          .type("application/json")
          .send(asTable(kind, list.items as ApiObject[], query, list.metadata as Record<string, unknown>));
      }
      return reply.type("application/json").send(listJson(list as ApiObject & { items: ApiObject[] }));
    }

    case "watch":
      return serveWatch(request, reply, storage, info, query);

    case "create": {
      if (info.subresource === "binding" || info.resource === "bindings") {
        return send(201, await bindThroughStorage(lookup, storage, namespace, info, request.body));
      }
      if (info.subresource === "eviction")
        return send(201, await evictThroughStorage(lookup, storage, info, request, dryRun));
      if (info.subresource) return notServed(info);
      const result = await storage.create(namespace, request.body, {
        dryRun,
        fieldValidation,
        ...opt({ fieldManager }),
      });
      return send(201, result.object, result.warnings);
    }

    case "update": {
      if (info.subresource === "scale")
        return send(200, await storage.updateScale(namespace, name, { body: request.body }));
      const result = await storage.update(namespace, name, request.body, {
        dryRun,
        fieldValidation,
        ...opt({ subresource: info.subresource, fieldManager }),
      });
      return send(200, result.object, result.warnings);
    }

    case "patch": {
      const type = patchTypeOf(request);
      if (info.subresource === "scale") {
        return send(200, await storage.updateScale(namespace, name, { type, patch: request.body }));
      }
      const result = await storage.patch(namespace, name, type, request.body, {
        dryRun,
        fieldValidation: query.get("fieldValidation")
          ? fieldValidation
          : type === "application/apply-patch+yaml"
            ? "Strict"
            : "Warn",
        force: query.get("force") === "true",
        ...opt({ subresource: info.subresource, fieldManager }),
      });
      return send(result.created ? 201 : 200, result.object, result.warnings);
    }

    case "delete":
      return send(200, await storage.delete(namespace, name, deleteOptions(request.body, query), dryRun));

    case "deletecollection": {
      const deleted = await storage.deleteCollection(
        namespace,
        parseSelectors(kind, query),
        deleteOptions(request.body, query),
        dryRun,
      );
      return reply.type("application/json").send(deleted);
    }
  }
}

/** The event source and stream options of a watch request, for chunked HTTP and WebSocket alike. */
function openWatch(
  storage: ResourceStorage,
  info: RequestInfo,
  query: URLSearchParams,
  accept: string,
): { source: EventSource; options: WatchStreamOptions } {
  const kind = storage.info;
  const selectors = parseSelectors(kind, query);
  if (info.name) {
    // The legacy `GET .../pods/NAME?watch=true` is a watch with a name field selector.
    const byName = `metadata.name=${escapeFieldValue(info.name)}`;
    selectors.fieldSelector = parseFieldSelector(
      selectors.fieldSelector ? `${selectors.fieldSelector.toString()},${byName}` : byName,
    );
  }
  const rv = query.get("resourceVersion");
  const since = rv && rv !== "0" ? parseRevision(rv) : undefined;
  let source: EventSource;
  try {
    source = storage.watch(
      kind.namespaced ? info.namespace : undefined,
      since,
      selectors,
      query.get("sendInitialEvents") === "true",
    );
  } catch (err) {
    // Kubernetes answers a watch from a revision it no longer has with 200 and an ERROR event
    // (410 Expired), not an HTTP error; informers and reflectors relist on it.
    if (!(err instanceof StatusError && err.code === 410)) throw err;
    source = { close() {}, [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(err) }) };
  }
  const timeout = Number(query.get("timeoutSeconds") ?? DEFAULT_WATCH_TIMEOUT_SECONDS);
  const apiVersion = kind.group ? `${kind.group}/${kind.version}` : kind.version;
  const options: WatchStreamOptions = {
    timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_WATCH_TIMEOUT_SECONDS,
  };
  if (query.get("allowWatchBookmarks") === "true") {
    options.bookmarks = { kind: kind.kind, apiVersion, revision: () => storage.cache.revision };
  }
  if (wantsTable(accept)) {
    options.transform = (event: WatchEvent) =>
      event.type === "ADDED" || event.type === "MODIFIED" || event.type === "DELETED"
        ? { type: event.type, object: asTable(kind, [event.object], query) }
        : event;
  }
  return { source, options };
}

async function serveWatch(
  request: FastifyRequest,
  reply: FastifyReply,
  storage: ResourceStorage,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<FastifyReply> {
  const { source, options } = openWatch(storage, info, query, request.headers.accept ?? "");
  streamWatch(request, reply, source, { ...options, log: request.log });
  return reply;
}

/** `?watch=true` over a WebSocket: the same watch, one event per text message. */
export function watchOverWebSocket(lookup: StorageLookup): WebSocketRoute {
  return async (req) => {
    const url = new URL(req.url ?? "/", "http://apiserver");
    const info = parseRequestInfo("GET", url.pathname, url.searchParams);
    if (info?.verb !== "watch") return undefined;
    const storage = lookup(info.group, info.version, info.resource);
    if (!storage) return undefined;
    const { source, options } = openWatch(storage, info, url.searchParams, req.headers.accept ?? "");
    const handler: WebSocketHandler = (ws) => streamWatchOverWebSocket(ws, source, options);
    handler.protocols = [BASE64_BINARY_PROTOCOL];
    return handler;
  };
}

async function bindThroughStorage(
  lookup: StorageLookup,
  storage: ResourceStorage,
  namespace: string | undefined,
  info: RequestInfo,
  body: unknown,
): Promise<ApiObject> {
  // Both `POST pods/NAME/binding` and the older `POST namespaces/NS/bindings` bind a pod.
  const pods = info.resource === "pods" ? storage : lookup("", "v1", "pods");
  if (!pods) throw errors.internal("pods are not served");
  const podName = info.name ?? (body as { metadata?: { name?: string } } | undefined)?.metadata?.name;
  if (!podName) throw errors.badRequest("a binding needs metadata.name: the pod to bind");
  await pods.bind(namespace, podName, body);
  return successStatus() as unknown as ApiObject;
}

/** `POST pods/NAME/eviction`: the body comes from the same parsers as every other route's. */
async function evictThroughStorage(
  lookup: StorageLookup,
  pods: ResourceStorage,
  info: RequestInfo,
  request: FastifyRequest,
  dryRun: boolean,
): Promise<ApiObject> {
  const pdbs = lookup("policy", "v1", "poddisruptionbudgets");
  if (!pdbs) throw errors.internal("poddisruptionbudgets are not served");
  return evictPod(
    { pods, pdbs, log: request.log as never },
    info.namespace ?? "default",
    info.name ?? "",
    request.body,
    dryRun,
  );
}

function asTable(
  kind: KindInfo,
  objects: ApiObject[],
  query: URLSearchParams,
  listMeta?: Record<string, unknown>,
) {
  return toTable(kind.plural, kind.group, objects, {
    includeObject: includeObjectPolicy(query),
    ...(listMeta ? { listMeta } : {}),
  });
}

export function parseSelectors(kind: KindInfo, query: URLSearchParams): Selectors {
  const selectors: Selectors = {};
  const labels = query.get("labelSelector");
  const fields = query.get("fieldSelector");
  try {
    if (labels) selectors.labelSelector = parseLabelSelector(labels);
  } catch (err) {
    throw errors.badRequest(`unable to parse requirement: ${(err as Error).message}`);
  }
  if (fields) {
    let parsed: ReturnType<typeof parseFieldSelector>;
    try {
      parsed = parseFieldSelector(fields);
    } catch (err) {
      throw errors.badRequest(`invalid field selector: ${(err as Error).message}`);
    }
    const allowed = new Set(supportedFields(kind.plural));
    for (const requirement of parsed.requirements) {
      if (!allowed.has(requirement.field)) {
        throw errors.badRequest(`field label not supported: ${requirement.field}`);
      }
    }
    selectors.fieldSelector = parsed;
  }
  return selectors;
}

/**
 * Whether the path has a route for the verb, as Kubernetes installs them: POST on collections,
 * PUT and PATCH on items, and on a subresource only the verbs it declares. Anything else is 405.
 */
function verbAllowed(kind: KindInfo, info: RequestInfo): boolean {
  if (info.subresource) {
    return kind.subresources.find((s) => s.name === info.subresource)?.verbs.includes(info.verb) ?? false;
  }
  if (info.verb === "create") return info.name === undefined;
  if (info.verb === "update" || info.verb === "patch") return info.name !== undefined;
  return true;
}

/** Kubernetes' ValidateListOptions: a resourceVersionMatch needs a resourceVersion it can apply to. */
function validateListOptions(query: URLSearchParams): void {
  const match = query.get("resourceVersionMatch");
  if (!match) return;
  const rv = query.get("resourceVersion");
  const forbid = (message: string, reason = "FieldValueForbidden") => {
    throw errors.invalid("ListOptions", "meta.k8s.io", "", [
      { reason, field: "resourceVersionMatch", message: `resourceVersionMatch: ${message}` },
    ]);
  };
  if (match !== "Exact" && match !== "NotOlderThan") {
    forbid(
      `Unsupported value: ${JSON.stringify(match)}: supported values: "Exact", "NotOlderThan"`,
      "FieldValueNotSupported",
    );
  }
  if (!rv) forbid("Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
  if (query.get("continue")) forbid("Forbidden: resourceVersionMatch is forbidden when continue is provided");
  if (match === "Exact" && rv === "0")
    forbid('Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
}

function patchTypeOf(request: FastifyRequest): PatchType {
  const contentType = request.headers["content-type"];
  const type = parsePatchType(contentType);
  if (!type) throw errors.unsupportedMediaType(contentType ?? "");
  return type;
}

function deleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const options: DeleteOptions = { ...((body && typeof body === "object" ? body : {}) as DeleteOptions) };
  const grace = query.get("gracePeriodSeconds");
  if (grace !== null) options.gracePeriodSeconds = Number(grace);
  const policy = query.get("propagationPolicy");
  if (policy) options.propagationPolicy = policy as DeleteOptions["propagationPolicy"];
  if (
    options.propagationPolicy &&
    !["Orphan", "Background", "Foreground"].includes(options.propagationPolicy)
  ) {
    throw errors.badRequest(
      `propagationPolicy: Unsupported value: ${JSON.stringify(options.propagationPolicy)}`,
    );
  }
  return options;
}

function optionalNumber(field: "limit", value: string | null): { limit?: number } {
  if (value === null || value === "") return {};
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid ${field}: ${JSON.stringify(value)}`);
  return { [field]: n };
}

/** Drop undefined values so optional fields stay absent. */
function opt<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as never;
}

function notServed(info: RequestInfo): never {
  // exec arrives as a WebSocket upgrade (pod-proxy.ts); a plain request cannot carry its streams.
  if (info.subresource === "exec") throw errors.badRequest("Upgrade request required");
  throw new StatusError(
    503,
    "ServiceUnavailable",
    `${info.resource}/${info.subresource} needs the pod's kubelet, which this apiserver cannot reach yet`,
  );
}

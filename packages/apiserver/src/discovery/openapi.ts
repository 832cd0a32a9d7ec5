import { createHash } from "node:crypto";
import {
  groupVersions,
  type KindInfo,
  KUBERNETES_VERSION,
  kindListSchema,
  kindSchema,
  type SubresourceInfo,
  schemaFor,
} from "@minik8s/api";

/**
 * OpenAPI v3, as much as kubectl needs. Before a validating `apply` or `create`, kubectl looks in
 * /openapi/v3 for the document of the object's group-version, finds the PATCH operation tagged
 * with the object's `x-kubernetes-group-version-kind`, and, when that operation takes a
 * `fieldValidation` query parameter, leaves validation to the server (`fieldValidation=Strict`).
 * Without these documents the default apply fails. Component schemas come from the zod schemas,
 * so `kubectl explain` has something to show.
 */

export interface OpenApiIndex {
  paths: Record<string, { serverRelativeURL: string }>;
}

type Json = Record<string, unknown>;

/** GET /openapi/v3: one entry per group-version, its URL carrying a hash of the document. */
export function openApiIndex(): OpenApiIndex {
  const paths: OpenApiIndex["paths"] = {};
  for (const gv of groupVersions()) {
    const path = gvPath(gv.group, gv.version);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${documentHash(gv.group, gv.version)}` };
  }
  return { paths };
}

/** GET /openapi/v3/api/v1 or /openapi/v3/apis/{group}/{version}; undefined when not served. */
export function openApiDocument(group: string, version: string): Json | undefined {
  const key = gvPath(group, version);
  const cached = documents.get(key);
  if (cached) return cached;
  const gv = groupVersions().find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  const doc = buildDocument(group, version, gv.kinds);
  documents.set(key, doc);
  return doc;
}

/**
 * Kubernetes names the hash as the uppercase hex of the document's SHA-512; clients only compare
 * it, so any digest that changes with the document would do.
 */
export function documentHash(group: string, version: string): string {
  const key = gvPath(group, version);
  let hash = hashes.get(key);
  if (hash === undefined) {
    hash = createHash("sha512")
      .update(JSON.stringify(openApiDocument(group, version)))
      .digest("hex")
      .toUpperCase();
    hashes.set(key, hash);
  }
  return hash;
}

/** "api/v1" for the core group, "apis/apps/v1" otherwise: the index keys kubectl looks up. */
function gvPath(group: string, version: string): string {
  return group === "" ? `api/${version}` : `apis/${group}/${version}`;
}

/** Documents depend only on the registry, which is fixed at startup: build each once. */
const documents = new Map<string, Json>();
const hashes = new Map<string, string>();

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";

function buildDocument(group: string, version: string, kinds: readonly KindInfo[]): Json {
  const paths: Record<string, Json> = {};
  const schemas: Record<string, Json> = {
    [`${META}.Status`]: {
      type: "object",
      description: "Status is a return value for calls that don't return other objects.",
    },
    [`${META}.DeleteOptions`]: {
      type: "object",
      description: "DeleteOptions may be provided when deleting an API object.",
    },
    [`${META}.Patch`]: {
      type: "object",
      description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
    },
  };
  const prefix = group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
  for (const info of kinds) {
    const gvk = { group: info.group, version: info.version, kind: info.kind };
    const listGvk = { ...gvk, kind: info.listKind };
    schemas[schemaName(gvk)] = componentSchema(gvk, kindSchema(info));
    schemas[schemaName(listGvk)] = componentSchema(listGvk, kindListSchema(info));
    const collection = info.namespaced
      ? `${prefix}/namespaces/{namespace}/${info.plural}`
      : `${prefix}/${info.plural}`;
    const scope = info.namespaced ? [NAMESPACE_PARAM, PRETTY_PARAM] : [PRETTY_PARAM];
    paths[collection] = {
      parameters: scope,
      get: listOperation(info, ""),
      post: writeOperation(info, "post", gvk, ""),
      delete: deleteOperation(info, "deletecollection"),
    };
    paths[`${collection}/{name}`] = {
      parameters: [NAME_PARAM, ...scope],
      get: readOperation(info, gvk, ""),
      put: writeOperation(info, "put", gvk, ""),
      patch: writeOperation(info, "patch", gvk, ""),
      delete: deleteOperation(info, "delete"),
    };
    if (info.namespaced) {
      paths[`${prefix}/${info.plural}`] = {
        parameters: [PRETTY_PARAM],
        get: listOperation(info, "ForAllNamespaces"),
      };
    }
    for (const sub of info.subresources) {
      const subGvk = { group: sub.group, version: sub.version, kind: sub.kind };
      schemas[schemaName(subGvk)] ??= componentSchema(subGvk, schemaFor(subGvk));
      paths[`${collection}/{name}/${sub.name}`] = {
        parameters: [NAME_PARAM, ...scope],
        ...subresourceOperations(info, sub, subGvk),
      };
    }
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: KUBERNETES_VERSION.gitVersion },
    paths,
    components: { schemas },
  };
}

/** `io.k8s.api.core.v1.Pod`, `io.k8s.api.coordination.v1.Lease`: Kubernetes' definition names. */
function schemaName(gvk: GVK): string {
  return `io.k8s.api.${groupWord(gvk.group)}.${gvk.version}.${gvk.kind}`;
}

/**
 * The zod schema as an OpenAPI 3.0 schema object, marked with its kind as Kubernetes marks its
 * definitions. Falls back to a bare object for a kind without a schema or one zod cannot convert.
 */
function componentSchema(gvk: GVK, schema: ReturnType<typeof schemaFor>): Json {
  let converted: Json = { type: "object" };
  if (schema) {
    try {
      converted = schema.toJSONSchema({
        target: "openapi-3.0",
        io: "input",
        unrepresentable: "any",
      }) as Json;
    } catch {
      // Keep the bare object: kubectl needs the kind marker, not the fields.
    }
  }
  const { $schema: _, ...rest } = converted;
  return { ...rest, "x-kubernetes-group-version-kind": [gvk] };
}

function query(name: string, description: string, type = "string"): Json {
  return { name, in: "query", description, schema: { type, uniqueItems: true } };
}

const NAME_PARAM: Json = {
  name: "name",
  in: "path",
  description: "name of the object",
  required: true,
  schema: { type: "string", uniqueItems: true },
};
const NAMESPACE_PARAM: Json = {
  name: "namespace",
  in: "path",
  description: "object name and auth scope, such as for teams and projects",
  required: true,
  schema: { type: "string", uniqueItems: true },
};
const PRETTY_PARAM = query("pretty", "If 'true', then the output is pretty printed.");
const DRY_RUN = query("dryRun", "When present, indicates that modifications should not be persisted.");
const FIELD_MANAGER = query(
  "fieldManager",
  "A name associated with the actor or entity that is making these changes.",
);
/** The parameter whose presence tells kubectl the server validates fields itself. */
const FIELD_VALIDATION = query(
  "fieldValidation",
  "How the server treats unknown or duplicate fields in the request body: Ignore, Warn or Strict.",
);
const FORCE = query("force", 'Force is going to "force" Apply requests.', "boolean");
const LIST_PARAMS: Json[] = [
  query("labelSelector", "A selector to restrict the list of returned objects by their labels."),
  query("fieldSelector", "A selector to restrict the list of returned objects by their fields."),
  query("limit", "The maximum number of responses to return for a list call.", "integer"),
  query("continue", "The continue option should be set when retrieving more results from the server."),
  query("resourceVersion", "Sets a constraint on what resource versions a request may be served from."),
  query("resourceVersionMatch", "Determines how resourceVersion is applied to list calls."),
  query("watch", "Watch for changes to the described resources and return them as a stream.", "boolean"),
  query("allowWatchBookmarks", "Requests watch events with type BOOKMARK.", "boolean"),
  query("timeoutSeconds", "Timeout for the list/watch call.", "integer"),
];
const DELETE_PARAMS: Json[] = [
  DRY_RUN,
  query("gracePeriodSeconds", "The duration in seconds before the object should be deleted.", "integer"),
  query(
    "propagationPolicy",
    "Whether and how garbage collection will be performed: Orphan, Background or Foreground.",
  ),
];

/**
 * The PATCH body types we advertise. Strategic merge patch is accepted but on purpose not
 * listed: advertised, it makes kubectl compute apply patches from these schemas, which lack
 * Kubernetes' merge keys; unlisted, kubectl uses its compiled-in types, which have them.
 */
const PATCH_CONTENT_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/apply-patch+yaml",
];

interface GVK {
  group: string;
  version: string;
  kind: string;
}

interface OperationSpec {
  action: string;
  verb: string;
  /** The subresource, capitalised, as in `patchAppsV1NamespacedDeploymentScale`. */
  suffix: string;
  /** The kind the operation reads or writes: a subresource's own kind (Scale) where it has one. */
  target: GVK;
  description: string;
  parameters: Json[];
  requestBody?: Json;
  responses: Json;
}

/** One operation, tagged as Kubernetes tags them with its action and kind. */
function operation(info: KindInfo, spec: OperationSpec): Json {
  const group = groupWord(info.group);
  const scope = info.namespaced && spec.suffix !== "ForAllNamespaces" ? "Namespaced" : "";
  return {
    tags: [`${group}_${info.version}`],
    description: spec.description,
    operationId: `${spec.verb}${capitalize(group)}${capitalize(info.version)}${scope}${info.kind}${spec.suffix}`,
    parameters: spec.parameters,
    ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
    responses: spec.responses,
    "x-kubernetes-action": spec.action,
    "x-kubernetes-group-version-kind": spec.target,
  };
}

function listOperation(info: KindInfo, suffix: string): Json {
  return operation(info, {
    action: "list",
    verb: "list",
    suffix,
    target: { group: info.group, version: info.version, kind: info.kind },
    description: `list or watch objects of kind ${info.kind}`,
    parameters: LIST_PARAMS,
    responses: ok(schemaName({ group: info.group, version: info.version, kind: info.listKind })),
  });
}

function readOperation(info: KindInfo, target: GVK, suffix: string): Json {
  return operation(info, {
    action: "get",
    verb: "read",
    suffix,
    target,
    description: `read the specified ${info.kind}`,
    parameters: [],
    responses: ok(schemaName(target)),
  });
}

/** create (POST), replace (PUT) or partially update (PATCH): the writes that take fieldValidation. */
function writeOperation(info: KindInfo, action: "post" | "put" | "patch", target: GVK, suffix: string): Json {
  const verb = { post: "create", put: "replace", patch: "patch" }[action];
  const parameters = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, ...(action === "patch" ? [FORCE] : [])];
  const requestBody =
    action === "patch"
      ? {
          content: Object.fromEntries(
            PATCH_CONTENT_TYPES.map((type) => [
              type,
              { schema: { $ref: `#/components/schemas/${META}.Patch` } },
            ]),
          ),
          required: true,
        }
      : {
          content: { "*/*": { schema: { $ref: `#/components/schemas/${schemaName(target)}` } } },
          required: true,
        };
  return operation(info, {
    action,
    verb,
    suffix,
    target,
    description: `${verb} ${suffix ? `${suffix.toLowerCase()} of ` : ""}the specified ${info.kind}`,
    parameters,
    requestBody,
    responses: { ...ok(schemaName(target)), "201": response("Created", schemaName(target)) },
  });
}

function deleteOperation(info: KindInfo, action: "delete" | "deletecollection"): Json {
  return operation(info, {
    action,
    verb: action === "delete" ? "delete" : "deleteCollection",
    suffix: "",
    target: { group: info.group, version: info.version, kind: info.kind },
    description: action === "delete" ? `delete a ${info.kind}` : `delete collection of ${info.kind}`,
    parameters: action === "delete" ? DELETE_PARAMS : [...DELETE_PARAMS, ...LIST_PARAMS],
    requestBody: { content: { "*/*": { schema: { $ref: `#/components/schemas/${META}.DeleteOptions` } } } },
    responses: ok(`${META}.Status`),
  });
}

/** Streams (log, exec) are plain GETs here; the rest read and write the subresource's kind. */
function subresourceOperations(info: KindInfo, sub: SubresourceInfo, target: GVK): Json {
  const suffix = capitalize(sub.name);
  if (sub.name === "log" || sub.name === "exec") {
    return {
      get: operation(info, {
        action: "connect",
        verb: "connectGet",
        suffix,
        target,
        description: `connect GET requests to ${sub.name} of ${info.kind}`,
        parameters: [],
        responses: { "200": { description: "OK", content: { "*/*": { schema: { type: "string" } } } } },
      }),
    };
  }
  const out: Json = {};
  if (sub.verbs.includes("get")) out.get = readOperation(info, target, suffix);
  if (sub.verbs.includes("update")) out.put = writeOperation(info, "put", target, suffix);
  if (sub.verbs.includes("patch")) out.patch = writeOperation(info, "patch", target, suffix);
  if (sub.verbs.includes("create")) out.post = writeOperation(info, "post", target, suffix);
  return out;
}

function response(description: string, schema: string): Json {
  const content = { schema: { $ref: `#/components/schemas/${schema}` } };
  return { description, content: { "application/json": content, "application/yaml": content } };
}

function ok(schema: string): Json {
  return { "200": response("OK", schema), "401": { description: "Unauthorized" } };
}

/** "core" for the core group, else the group's first label: `coordination.k8s.io` is "coordination". */
function groupWord(group: string): string {
  return group === "" ? "core" : (group.split(".")[0] as string);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

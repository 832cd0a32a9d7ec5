import type { PatchType } from "@minik8s/api/patch/index";
import { kindForApiVersion } from "@minik8s/api/registry";
import type { Scale } from "@minik8s/api/schemas/autoscaling";
import { StatusError, type StatusReason } from "@minik8s/api/status-error";
import { type HttpResponse, HttpTransport, readBody, type TransportConfig } from "./http-transport.js";
import type { KubeObject, ObjectList, ResourceRef } from "./kube-object.js";
import { resourcePath } from "./resource-path.js";
import { WatchStream } from "./watch-stream.js";
import { dialWebSocket } from "./websocket-dial.js";

export interface ClientConfig extends TransportConfig {
  /** The namespace used when an object or a call names none (from the kubeconfig context). */
  namespace?: string | undefined;
}

type QueryValue = string | number | boolean | undefined | readonly string[];

export interface RequestOptions {
  method?: string;
  path: string;
  query?: Record<string, QueryValue>;
  /** An object is sent as JSON; a string or Buffer as it is. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal | undefined;
}

export interface ListOptions {
  /** Omitted or "" lists every namespace. */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  limit?: number | undefined;
  continue?: string | undefined;
  resourceVersion?: string | undefined;
  resourceVersionMatch?: "Exact" | "NotOlderThan" | undefined;
  timeoutSeconds?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface WatchOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Start after this version (a list's resourceVersion); omitted: start from now, with ADDED for all. */
  resourceVersion?: string | undefined;
  /** Default true: let the server send BOOKMARK events so a resume skips quiet history. */
  allowWatchBookmarks?: boolean | undefined;
  timeoutSeconds?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface WriteOptions {
  dryRun?: boolean | undefined;
  fieldManager?: string | undefined;
  fieldValidation?: "Strict" | "Warn" | "Ignore" | undefined;
  signal?: AbortSignal | undefined;
}

export interface PatchOptions extends WriteOptions {
  /** `status` or `scale`. */
  subresource?: string | undefined;
  /** Server-side apply: take ownership of fields other managers own. */
  force?: boolean | undefined;
}

export interface DeleteRequestOptions {
  gracePeriodSeconds?: number | undefined;
  propagationPolicy?: "Foreground" | "Background" | "Orphan" | undefined;
  preconditions?: { uid?: string; resourceVersion?: string } | undefined;
  dryRun?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

export interface DeleteCollectionOptions extends DeleteRequestOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
}

const JSON_TYPE = "application/json";

/**
 * The REST client: client-go's RESTClient and typed clientsets in one small class. Every call is
 * a path built from the kind registry plus a verb; the reply is the object, or a thrown
 * StatusError rebuilt from the server's Status, or a ConnectionError when no server answered.
 */
export class Client {
  /** The default namespace of the kubeconfig context, "default" when none. */
  readonly namespace: string;
  private readonly transport: HttpTransport;

  constructor(private readonly config: ClientConfig) {
    this.transport = new HttpTransport(config);
    this.namespace = config.namespace || "default";
  }

  get server(): string {
    return this.transport.server;
  }

  async get<T extends KubeObject = KubeObject>(
    kind: ResourceRef,
    namespace: string | undefined,
    name: string,
    opts: { resourceVersion?: string; signal?: AbortSignal } = {},
  ): Promise<T> {
    return this.request<T>({
      path: resourcePath(kind, { namespace: this.namespaceFor(kind, namespace), name }),
      query: { resourceVersion: opts.resourceVersion },
      signal: opts.signal,
    });
  }

  async list<T extends KubeObject = KubeObject>(
    kind: ResourceRef,
    opts: ListOptions = {},
  ): Promise<ObjectList<T>> {
    return this.request<ObjectList<T>>({
      path: resourcePath(kind, { namespace: opts.namespace }),
      query: {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
        resourceVersion: opts.resourceVersion,
        resourceVersionMatch: opts.resourceVersionMatch,
        timeoutSeconds: opts.timeoutSeconds,
      },
      signal: opts.signal,
    });
  }

  /** POSTs an object; its kind and namespace come from the object itself. */
  async create<T extends KubeObject>(obj: T, opts: WriteOptions = {}): Promise<T> {
    const kind = this.kindOf(obj);
    return this.request<T>({
      method: "POST",
      path: resourcePath(kind, { namespace: this.namespaceFor(kind, obj.metadata?.namespace) }),
      query: writeQuery(opts),
      body: obj,
      signal: opts.signal,
    });
  }

  /** PUTs a whole object; its resourceVersion, when set, makes it a compare-and-swap (409 if stale). */
  async update<T extends KubeObject>(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.put(obj, undefined, opts);
  }

  /** PUTs only `status` (the `status` subresource ignores changes elsewhere). */
  async updateStatus<T extends KubeObject>(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.put(obj, "status", opts);
  }

  async patch<T extends KubeObject = KubeObject>(
    kind: ResourceRef,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    body: unknown,
    opts: PatchOptions = {},
  ): Promise<T> {
    return this.request<T>({
      method: "PATCH",
      path: resourcePath(kind, {
        namespace: this.namespaceFor(kind, namespace),
        name,
        subresource: opts.subresource,
      }),
      query: { ...writeQuery(opts), force: opts.force },
      body,
      contentType: patchType,
      signal: opts.signal,
    });
  }

  /**
   * Deletes one object. The reply is the object when deletion is pending (finalizers, graceful
   * pod termination) and a Success Status once it is gone; callers rarely need either.
   */
  async delete<T extends KubeObject = KubeObject>(
    kind: ResourceRef,
    namespace: string | undefined,
    name: string,
    opts: DeleteRequestOptions = {},
  ): Promise<T> {
    return this.request<T>({
      method: "DELETE",
      path: resourcePath(kind, { namespace: this.namespaceFor(kind, namespace), name }),
      query: { dryRun: opts.dryRun ? "All" : undefined },
      body: deleteBody(opts),
      signal: opts.signal,
    });
  }

  async deleteCollection<T extends KubeObject = KubeObject>(
    kind: ResourceRef,
    opts: DeleteCollectionOptions = {},
  ): Promise<ObjectList<T>> {
    return this.request<ObjectList<T>>({
      method: "DELETE",
      path: resourcePath(kind, { namespace: opts.namespace }),
      query: {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        dryRun: opts.dryRun ? "All" : undefined,
      },
      body: deleteBody(opts),
      signal: opts.signal,
    });
  }

  async getScale(kind: ResourceRef, namespace: string | undefined, name: string): Promise<Scale> {
    return this.request<Scale>({
      path: resourcePath(kind, { namespace: this.namespaceFor(kind, namespace), name, subresource: "scale" }),
    });
  }

  async updateScale(
    kind: ResourceRef,
    namespace: string | undefined,
    name: string,
    scale: Omit<Scale, "apiVersion" | "kind"> & Partial<Pick<Scale, "apiVersion" | "kind">>,
  ): Promise<Scale> {
    return this.request<Scale>({
      method: "PUT",
      path: resourcePath(kind, { namespace: this.namespaceFor(kind, namespace), name, subresource: "scale" }),
      body: { apiVersion: "autoscaling/v1", kind: "Scale", ...scale },
    });
  }

  async patchScale(
    kind: ResourceRef,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    body: unknown,
  ): Promise<Scale> {
    return this.patch<Scale>(kind, namespace, name, patchType, body, { subresource: "scale" });
  }

  /** POSTs a Binding: how the scheduler assigns a pod to a node. */
  async bind(namespace: string, podName: string, nodeName: string): Promise<unknown> {
    return this.request({
      method: "POST",
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(podName)}/binding`,
      body: {
        apiVersion: "v1",
        kind: "Binding",
        metadata: { name: podName, namespace },
        target: { apiVersion: "v1", kind: "Node", name: nodeName },
      },
    });
  }

  /**
   * Opens a watch. Resolves once the server accepted it (headers received); a refusal, such as a
   * 410 for a compacted resourceVersion, is thrown here as a StatusError.
   */
  async watch<T extends KubeObject = KubeObject>(
    kind: ResourceRef,
    opts: WatchOptions = {},
  ): Promise<WatchStream<T>> {
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort();
    if (opts.signal?.aborted) controller.abort();
    else opts.signal?.addEventListener("abort", onOuterAbort, { once: true });
    const request: RequestOptions = {
      path: resourcePath(kind, { namespace: opts.namespace }),
      query: {
        watch: true,
        resourceVersion: opts.resourceVersion,
        allowWatchBookmarks: opts.allowWatchBookmarks ?? true,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        timeoutSeconds: opts.timeoutSeconds,
      },
      signal: controller.signal,
    };
    let res: HttpResponse;
    try {
      res = await this.send(request);
      await this.throwIfError(res, request);
    } catch (err) {
      opts.signal?.removeEventListener("abort", onOuterAbort);
      throw err;
    }
    return new WatchStream<T>(res.body, () => {
      opts.signal?.removeEventListener("abort", onOuterAbort);
      controller.abort();
    });
  }

  /** Any request whose reply is JSON: subresources (`binding`, `eviction`), discovery, tables. */
  async request<T = unknown>(opts: RequestOptions): Promise<T> {
    const res = await this.send(opts);
    await this.throwIfError(res, opts);
    const text = await readBody(res.body);
    if (text === "") return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(
        `${opts.method ?? "GET"} ${opts.path}: the apiserver answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`,
      );
    }
  }

  /** A request whose reply is text, such as `pods/NAME/log`. */
  async requestText(opts: RequestOptions): Promise<string> {
    const res = await this.send({ accept: "text/plain, */*", ...opts });
    await this.throwIfError(res, opts);
    return readBody(res.body);
  }

  /** A request whose reply is read as it arrives (`log?follow=true`); abort `signal` to stop it. */
  async requestStream(opts: RequestOptions): Promise<AsyncIterable<Uint8Array>> {
    const res = await this.send({ accept: "*/*", ...opts });
    await this.throwIfError(res, opts);
    return res.body;
  }

  /** A WebSocket to `path` (exec, attach), offering `protocols`; a refused upgrade throws its Status. */
  openWebSocket(opts: {
    path: string;
    query?: Record<string, QueryValue>;
    protocols: readonly string[];
    signal?: AbortSignal | undefined;
  }) {
    return dialWebSocket(this.config, {
      path: opts.path + queryString(opts.query),
      protocols: opts.protocols,
      signal: opts.signal,
    });
  }

  /** Releases pooled connections. Open watches end through their own `close()`. */
  close(): void {
    this.transport.close();
  }

  private async put<T extends KubeObject>(
    obj: T,
    subresource: string | undefined,
    opts: WriteOptions,
  ): Promise<T> {
    const kind = this.kindOf(obj);
    return this.request<T>({
      method: "PUT",
      path: resourcePath(kind, {
        namespace: this.namespaceFor(kind, obj.metadata?.namespace),
        name: obj.metadata?.name ?? "",
        subresource,
      }),
      query: writeQuery(opts),
      body: obj,
      signal: opts.signal,
    });
  }

  private send(opts: RequestOptions): Promise<HttpResponse> {
    let body: string | Buffer | undefined;
    if (opts.body === undefined) body = undefined;
    else if (typeof opts.body === "string" || Buffer.isBuffer(opts.body)) body = opts.body;
    else body = JSON.stringify(opts.body);
    const headers: Record<string, string> = { accept: opts.accept ?? JSON_TYPE };
    if (body !== undefined) headers["content-type"] = opts.contentType ?? JSON_TYPE;
    return this.transport.send({
      method: opts.method ?? "GET",
      path: opts.path + queryString(opts.query),
      headers,
      body,
      signal: opts.signal,
    });
  }

  private async throwIfError(res: HttpResponse, opts: RequestOptions): Promise<void> {
    if (res.status >= 200 && res.status < 300) return;
    const text = await readBody(res.body).catch(() => "");
    throw errorFromResponse(res.status, text, `${opts.method ?? "GET"} ${opts.path}`);
  }

  private namespaceFor(kind: ResourceRef, namespace: string | undefined): string | undefined {
    if (!kind.namespaced) return undefined;
    return namespace || this.namespace;
  }

  private kindOf(obj: KubeObject): ResourceRef {
    const info = obj.apiVersion && obj.kind ? kindForApiVersion(obj.apiVersion, obj.kind) : undefined;
    if (!info) {
      const what = obj.apiVersion || obj.kind ? `${obj.apiVersion ?? "?"} ${obj.kind ?? "?"}` : "an object";
      throw new Error(
        `cannot tell where to send ${what} "${obj.metadata?.name ?? ""}": set apiVersion and kind to a kind the apiserver serves`,
      );
    }
    return info;
  }
}

const REASON_BY_CODE: Record<number, StatusReason> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Gone",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/**
 * A non-2xx reply as a StatusError. The apiserver sends a Status object; anything else in front
 * of it (a proxy, a half-started server) gets a reason from the HTTP code, as client-go does.
 */
export function errorFromResponse(code: number, text: string, request: string): StatusError {
  try {
    const body = JSON.parse(text) as { kind?: string; code?: number };
    if (body && body.kind === "Status") return StatusError.fromStatus(body as never, code);
  } catch {
    // not JSON: fall through
  }
  const reason = REASON_BY_CODE[code] ?? (code >= 500 ? "InternalError" : "BadRequest");
  const detail = text.trim() ? `: ${text.trim().slice(0, 200)}` : "";
  return new StatusError(code, reason, `the server answered ${code} to ${request}${detail}`);
}

function writeQuery(opts: WriteOptions): Record<string, QueryValue> {
  return {
    dryRun: opts.dryRun ? "All" : undefined,
    fieldManager: opts.fieldManager,
    fieldValidation: opts.fieldValidation,
  };
}

function deleteBody(opts: DeleteRequestOptions): object | undefined {
  const { gracePeriodSeconds, propagationPolicy, preconditions } = opts;
  if (gracePeriodSeconds === undefined && !propagationPolicy && !preconditions) return undefined;
  return { apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds, propagationPolicy, preconditions };
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

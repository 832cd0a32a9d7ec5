import {
  applyPatch,
  atomicMeta,
  deepCopy,
  deepEqual,
  errors,
  type FieldSelector,
  type KindInfo,
  type LabelSelectorMatcher,
  type PatchError,
  type PatchType,
  patchMetaFor,
  rfc3339,
  StatusError,
  storageKey,
  storagePrefix,
} from "@minik8s/api";
import type { Logger } from "pino";
import { isStoreError, type StoredObject, type StoredValue, type WatchableStore } from "../storage/index.js";
import type { WatchCache } from "../watch/watch-cache.js";
import type { ApiObject, EventSource } from "../watch/watch-event.js";
import { decodeBody, defaultAndValidate, type FieldValidation } from "./admit-object.js";
import { bindPod } from "./binding.js";
import { selectableFields } from "./field-sets.js";
import { generateName, newUid, specOf } from "./object-meta.js";
import { applyScale, toScale } from "./scale.js";
import type { DeleteOptions, Strategy } from "./strategy.js";
import { versioned } from "./versioned.js";

export interface Selectors {
  labelSelector?: LabelSelectorMatcher;
  fieldSelector?: FieldSelector;
}

export interface ListOptions extends Selectors {
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  fieldManager?: string;
}

export interface WriteResult {
  object: ApiObject;
  warnings: string[];
  created?: boolean;
}

export interface ResourceStorageOptions {
  info: KindInfo;
  store: WatchableStore;
  cache: WatchCache;
  strategy?: Strategy;
  /** Admission for namespaced creates: the namespace must exist and not be terminating. */
  checkNamespace?: (namespace: string) => Promise<void>;
  log?: Logger;
}

/** How many times a read-modify-write retries when another writer got there first. */
const MAX_RETRIES = 16;

/**
 * One resource's REST storage, the same for every kind (Kubernetes' generic registry Store):
 * metadata, defaults, validation, optimistic concurrency, graceful deletion and finalizers here;
 * what differs between kinds comes from its Strategy.
 */
export class ResourceStorage {
  readonly info: KindInfo;
  private readonly store: WatchableStore;
  readonly cache: WatchCache;
  private readonly strategy: Strategy;
  private readonly checkNamespace?: (namespace: string) => Promise<void>;
  private readonly log?: Logger;
  private readonly hasStatus: boolean;

  constructor(opts: ResourceStorageOptions) {
    this.info = opts.info;
    this.store = opts.store;
    this.cache = opts.cache;
    this.strategy = opts.strategy ?? {};
    this.checkNamespace = opts.checkNamespace;
    this.log = opts.log;
    this.hasStatus = opts.info.subresources.some((s) => s.name === "status");
  }

  /** The stored value as clients see it (shared: read it, or change a deepCopy). */
  decorate(value: StoredValue, revision: number): ApiObject {
    return versioned(value, revision);
  }

  private key(namespace: string | undefined, name: string): string {
    return storageKey(this.info, this.info.namespaced ? namespace : undefined, name);
  }

  private objectName(namespace: string | undefined, name: string): string {
    return this.info.namespaced && namespace ? `${namespace}/${name}` : name;
  }

  private notFound(name: string): StatusError {
    return errors.notFound(this.info.plural, this.info.group, name);
  }

  async get(namespace: string | undefined, name: string): Promise<ApiObject> {
    const found = await this.store.get(this.key(namespace, name));
    if (!found) throw this.notFound(name);
    return this.decorate(found.value, found.modRevision);
  }

  matches(obj: ApiObject, selectors: Selectors): boolean {
    if (selectors.labelSelector && !selectors.labelSelector.matches(obj.metadata?.labels ?? {})) return false;
    if (
      selectors.fieldSelector &&
      !selectors.fieldSelector.matches(selectableFields(this.info.plural, obj))
    ) {
      return false;
    }
    return true;
  }

  /**
   * A list, with Kubernetes' resourceVersion semantics: unset is a consistent read of the store;
   * "0" is whatever the watch cache has; a number with NotOlderThan waits for the cache to have
   * seen it; Exact (and every page after the first) reads the store at that revision.
   */
  async list(namespace: string | undefined, opts: ListOptions): Promise<ApiObject> {
    const prefix = storagePrefix(this.info, this.info.namespaced ? namespace : undefined);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
    let revision: number | undefined;
    let startAfter: string | undefined;
    if (opts.continueToken) {
      ({ revision, startAfter } = decodeContinue(opts.continueToken));
    } else if (
      opts.resourceVersion &&
      opts.resourceVersion !== "0" &&
      opts.resourceVersionMatch === "Exact"
    ) {
      revision = parseRevision(opts.resourceVersion);
    } else if (opts.resourceVersion && !limit) {
      // "0" or NotOlderThan: the watch cache answers without touching the store.
      const wanted = opts.resourceVersion === "0" ? 0 : parseRevision(opts.resourceVersion);
      if (wanted > 0) await this.cache.waitUntilFresh(wanted);
      const cached = this.cache.list((obj) => this.inNamespace(obj, namespace) && this.matches(obj, opts));
      return this.listObject(cached.items, String(cached.revision));
    }

    let result: Awaited<ReturnType<WatchableStore["list"]>>;
    try {
      result = await this.store.list(prefix, {
        ...(revision ? { revision } : {}),
        ...(startAfter ? { startAfter } : {}),
      });
    } catch (err) {
      if (isStoreError(err, "Compacted")) {
        throw errors.gone(
          opts.continueToken
            ? "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter."
            : `too old resource version: ${revision} (${await this.store.compactedRevision()})`,
        );
      }
      throw err;
    }
    const items: ApiObject[] = [];
    let lastKey: string | undefined;
    let remaining = 0;
    for (const item of result.items) {
      const obj = this.decorate(item.value, item.modRevision);
      if (!this.matches(obj, opts)) continue;
      if (limit !== undefined && items.length >= limit) {
        remaining++;
        continue;
      }
      items.push(obj);
      lastKey = item.key;
    }
    const list = this.listObject(items, String(result.revision));
    if (remaining > 0 && lastKey) {
      const meta = list.metadata as Record<string, unknown>;
      meta.continue = encodeContinue(result.revision, lastKey);
      meta.remainingItemCount = remaining;
    }
    return list;
  }

  private inNamespace(obj: ApiObject, namespace: string | undefined): boolean {
    return !this.info.namespaced || !namespace || obj.metadata?.namespace === namespace;
  }

  private listObject(items: ApiObject[], resourceVersion: string): ApiObject {
    return {
      apiVersion: this.info.group ? `${this.info.group}/${this.info.version}` : this.info.version,
      kind: this.info.listKind,
      metadata: { resourceVersion },
      items,
    };
  }

  /** A watch from the cache, filtered by namespace and selectors. */
  watch(
    namespace: string | undefined,
    sinceRevision: number | undefined,
    selectors: Selectors,
    initialEvents = false,
  ): EventSource {
    return this.cache.watch({
      ...(sinceRevision !== undefined ? { sinceRevision } : {}),
      // Left out, the cache sends the state as ADDED events for a watch from "now" (no RV), as
      // Kubernetes does; `sendInitialEvents=true` also asks for the end-of-initial-events bookmark.
      ...(initialEvents ? { initialEvents } : {}),
      filter: (obj) => this.inNamespace(obj, namespace) && this.matches(obj, selectors),
    });
  }

  async create(namespace: string | undefined, body: unknown, opts: WriteOptions = {}): Promise<WriteResult> {
    const { object, warnings } = decodeBody(this.info, body, opts.fieldValidation ?? "Warn");
    return { object: await this.createDecoded(namespace, object, opts), warnings, created: true };
  }

  /** `obj` is a freshly decoded body, ours to change. */
  private async createDecoded(
    namespace: string | undefined,
    obj: ApiObject,
    opts: WriteOptions,
  ): Promise<ApiObject> {
    obj.metadata ??= {};
    const meta = obj.metadata;
    if (this.info.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw errors.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      }
      meta.namespace = namespace ?? meta.namespace;
      if (!meta.namespace) throw errors.badRequest("a namespace is required for namespaced resources");
    } else {
      delete meta.namespace;
    }
    const generate = !meta.name && typeof meta.generateName === "string" && meta.generateName !== "";
    if (generate) meta.name = generateName(meta.generateName as string);
    meta.uid = newUid();
    meta.creationTimestamp = rfc3339();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if ("spec" in obj) meta.generation = 1;
    else delete meta.generation;
    if (this.hasStatus) delete obj.status;
    this.strategy.prepareForCreate?.(obj);

    const admitted = defaultAndValidate(this.info, obj);
    if (this.info.namespaced) await this.checkNamespace?.(admitted.metadata!.namespace as string);
    if (opts.dryRun) return admitted;

    this.strategy.allocate?.(admitted);
    try {
      const stored = await this.store.create(
        this.key(meta.namespace, meta.name as string),
        admitted as StoredValue,
      );
      this.log?.debug(
        { object: this.objectName(meta.namespace, meta.name as string), kind: this.info.kind },
        "created",
      );
      return this.decorate(stored.value, stored.modRevision);
    } catch (err) {
      this.strategy.release?.(admitted);
      if (isStoreError(err, "AlreadyExists")) {
        throw errors.alreadyExists(this.info.plural, this.info.group, meta.name as string);
      }
      throw err;
    }
  }

  /** PUT: the body replaces the object; a resourceVersion in it must still be current. */
  async update(
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions & { subresource?: string } = {},
  ): Promise<WriteResult> {
    const { object, warnings } = decodeBody(this.info, body, opts.fieldValidation ?? "Warn");
    if (object.metadata?.name && object.metadata.name !== name) {
      throw errors.badRequest(
        `the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const expected = object.metadata?.resourceVersion;
    const result = await this.guaranteedUpdate(namespace, name, expected, () => object, opts);
    return { ...result, warnings };
  }

  /** PATCH: apply the patch to the current object and write it; retried when another write races. */
  async patch(
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: WriteOptions & { subresource?: string; force?: boolean } = {},
  ): Promise<WriteResult> {
    if (type === "application/apply-patch+yaml") return this.serverSideApply(namespace, name, patch, opts);
    const meta = patchMetaFor(
      this.info.group ? `${this.info.group}/${this.info.version}` : this.info.version,
      this.info.kind,
    );
    let expected: string | undefined;
    const result = await this.guaranteedUpdate(
      namespace,
      name,
      () => expected,
      (current) => {
        const applied = applyPatch(type, current as never, patch, meta);
        if (!applied.ok) throw patchInvalid(this.info, name, applied.error);
        const out = applied.value as ApiObject;
        if (typeof out !== "object" || out === null || Array.isArray(out)) {
          throw errors.badRequest("the patch did not produce an object");
        }
        // A patch that sets metadata.resourceVersion makes it a precondition, as in Kubernetes.
        const rv = out.metadata?.resourceVersion;
        expected = rv !== current.metadata?.resourceVersion ? rv : undefined;
        return decodeBody(this.info, out, opts.fieldValidation ?? "Warn").object;
      },
      opts,
    );
    return { ...result, warnings: [] };
  }

  /**
   * Server-side apply, simply: create when missing, else merge the applied configuration into the
   * live object (a strategic merge). Kubernetes also tracks which manager owns each field and
   * reports conflicts; we record the manager but let the last applier win.
   */
  private async serverSideApply(
    namespace: string | undefined,
    name: string,
    patch: unknown,
    opts: WriteOptions & { subresource?: string },
  ): Promise<WriteResult> {
    const applied = decodeBody(this.info, patch, opts.fieldValidation ?? "Strict");
    const manager = opts.fieldManager ?? "unknown";
    const entry = {
      manager,
      operation: "Apply",
      apiVersion: applied.object.apiVersion,
      time: rfc3339(),
      fieldsType: "FieldsV1",
      fieldsV1: {},
    };
    if (applied.object.metadata?.name && applied.object.metadata.name !== name) {
      throw errors.badRequest(
        `the name of the object (${applied.object.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const existing = await this.store.get(this.key(namespace, name));
    if (!existing && !opts.subresource) {
      const toCreate = deepCopy(applied.object);
      toCreate.metadata = { ...toCreate.metadata, name, managedFields: [entry] };
      try {
        return {
          object: await this.createDecoded(namespace, toCreate, opts),
          warnings: applied.warnings,
          created: true,
        };
      } catch (err) {
        if (!(err instanceof StatusError && err.reason === "AlreadyExists")) throw err;
      }
    }
    const result = await this.patch(
      namespace,
      name,
      "application/strategic-merge-patch+json",
      applied.object,
      opts,
    );
    return { ...result, warnings: applied.warnings };
  }

  /**
   * Read, change, compare-and-swap, retry on a race: Kubernetes' GuaranteedUpdate. `expected` is
   * the client's resourceVersion precondition: a mismatch is a 409 that no retry can fix.
   */
  private async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    expected: string | undefined | (() => string | undefined),
    change: (current: ApiObject) => ApiObject,
    opts: WriteOptions & { subresource?: string },
  ): Promise<Omit<WriteResult, "warnings">> {
    const key = this.key(namespace, name);
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const stored = await this.store.get(key);
      if (!stored) throw this.notFound(name);
      const current = this.decorate(stored.value, stored.modRevision);
      const input = change(deepCopy(current));
      const precondition = typeof expected === "function" ? expected() : expected;
      if (precondition && precondition !== current.metadata?.resourceVersion) {
        throw errors.staleObject(this.info.plural, this.info.group, name);
      }
      const next = this.prepareUpdate(input, current, opts.subresource);
      if (opts.dryRun) return { object: next };
      // A binding always sets spec.nodeName, which was empty: never a no-op.
      const unchanged =
        opts.subresource !== "binding" && deepEqual(stripVersion(next), stripVersion(current));
      if (unchanged) return { object: current };
      try {
        const written = await this.writeUpdate(key, next, current, stored);
        return { object: written };
      } catch (err) {
        if (isStoreError(err, "Conflict")) {
          if (precondition) throw errors.staleObject(this.info.plural, this.info.group, name);
          continue;
        }
        if (isStoreError(err, "NotFound")) throw this.notFound(name);
        throw err;
      }
    }
    throw errors.conflict(this.info.plural, this.info.group, name, "too many concurrent writers, try again");
  }

  /** What an update may change: the main resource keeps status, `/status` keeps everything else. */
  private prepareUpdate(input: ApiObject, current: ApiObject, subresource: string | undefined): ApiObject {
    let next: ApiObject;
    if (subresource === "status") {
      next = { ...deepCopy(current), status: input.status };
    } else if (subresource === "binding") {
      // bindPod built it from a copy of the current pod: it is ours already.
      next = input;
    } else if (subresource === "finalize") {
      next = { ...deepCopy(current), spec: input.spec };
    } else {
      next = deepCopy(input);
      if (this.hasStatus) next.status = deepCopy(current.status);
      this.strategy.prepareForUpdate?.(next, current);
    }
    next.metadata ??= {};
    const meta = next.metadata;
    const was = current.metadata ?? {};
    // Identity and lifecycle fields belong to the server.
    meta.name = was.name;
    if (this.info.namespaced) meta.namespace = was.namespace;
    meta.uid = was.uid;
    meta.creationTimestamp = was.creationTimestamp;
    meta.deletionTimestamp = was.deletionTimestamp;
    meta.deletionGracePeriodSeconds = was.deletionGracePeriodSeconds;
    // A status writer may annotate (the deployment controller records revisions so), but labels,
    // finalizers and owners are the main resource's to change, as in Kubernetes' status strategies.
    if (subresource === "status" || subresource === "finalize") {
      meta.labels = was.labels;
      meta.finalizers = was.finalizers;
      meta.ownerReferences = was.ownerReferences;
    }
    const previous = typeof was.generation === "number" ? was.generation : 1;
    if ("spec" in next) meta.generation = previous;
    for (const field of Object.keys(meta)) if (meta[field] === undefined) delete meta[field];
    // A binding sets spec.nodeName, which no update may change: it is checked on its own terms
    // (binding.ts), and, as Kubernetes' BindingREST, the rest of the pod is not validated again.
    const admitted = subresource === "binding" ? next : defaultAndValidate(this.info, next, current);
    // Compared after defaulting and by value: a body that differs only in key order or in
    // defaults it left out is the same spec.
    if ("spec" in admitted && !deepEqual(specOf(admitted), specOf(current)))
      admitted.metadata!.generation = previous + 1;
    return admitted;
  }

  private async writeUpdate(
    key: string,
    next: ApiObject,
    current: ApiObject,
    stored: StoredObject,
  ): Promise<ApiObject> {
    const meta = next.metadata ?? {};
    // A deleting object whose last finalizer is gone goes away now.
    if (
      meta.deletionTimestamp &&
      this.isFinalized(next) &&
      (this.info.plural !== "pods" || meta.deletionGracePeriodSeconds === 0)
    ) {
      const gone = await this.store.delete(key, { expectedRevision: stored.modRevision });
      this.strategy.release?.(current);
      return this.decorate(gone.value, gone.modRevision);
    }
    this.strategy.allocate?.(next, current);
    const toStore = stripVersion(next);
    try {
      const written = await this.store.update(key, toStore as StoredValue, {
        expectedRevision: stored.modRevision,
      });
      this.strategy.release?.(current, next);
      return this.decorate(written.value, written.modRevision);
    } catch (err) {
      this.strategy.release?.(next, current);
      throw err;
    }
  }

  private isFinalized(obj: ApiObject): boolean {
    const finalizers = (obj.metadata?.finalizers as string[] | undefined) ?? [];
    return finalizers.length === 0 && (this.strategy.pendingSpecFinalizers?.(obj) ?? 0) === 0;
  }

  /**
   * DELETE: remove the object, or mark it with a deletionTimestamp when something must happen
   * first: finalizers (and orphan/foreground propagation, which are finalizers too), a namespace's
   * contents, or a pod's containers stopping within its grace period.
   */
  async delete(
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
    dryRun = false,
  ): Promise<ApiObject> {
    const key = this.key(namespace, name);
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const stored = await this.store.get(key);
      if (!stored) throw this.notFound(name);
      const current = this.decorate(stored.value, stored.modRevision);
      const meta = current.metadata ?? {};
      if (options.preconditions?.uid && options.preconditions.uid !== meta.uid) {
        throw errors.conflict(
          this.info.plural,
          this.info.group,
          name,
          `Precondition failed: UID in precondition: ${options.preconditions.uid}, UID in object meta: ${meta.uid}`,
        );
      }
      if (
        options.preconditions?.resourceVersion &&
        options.preconditions.resourceVersion !== meta.resourceVersion
      ) {
        throw errors.conflict(
          this.info.plural,
          this.info.group,
          name,
          `Precondition failed: ResourceVersion in precondition: ${options.preconditions.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`,
        );
      }

      const next = deepCopy(current);
      const nextMeta = next.metadata!;
      const finalizers = new Set((nextMeta.finalizers as string[] | undefined) ?? []);
      if (options.propagationPolicy === "Orphan") finalizers.add("orphan");
      if (options.propagationPolicy === "Foreground") finalizers.add("foregroundDeletion");
      if (finalizers.size > 0) nextMeta.finalizers = [...finalizers];
      const grace = this.strategy.gracePeriodSeconds?.(current, options) ?? 0;
      const mustWait =
        finalizers.size > 0 || (this.strategy.pendingSpecFinalizers?.(current) ?? 0) > 0 || grace > 0;

      if (dryRun) return current;
      try {
        if (!mustWait) {
          const gone = await this.store.delete(key, { expectedRevision: stored.modRevision });
          this.strategy.release?.(current);
          this.log?.debug({ object: this.objectName(namespace, name), kind: this.info.kind }, "deleted");
          return this.decorate(gone.value, gone.modRevision);
        }
        const alreadyDeleting = typeof meta.deletionTimestamp === "string";
        const previousGrace =
          typeof meta.deletionGracePeriodSeconds === "number" ? meta.deletionGracePeriodSeconds : undefined;
        // A second delete may shorten a pod's grace period, never lengthen it.
        if (
          alreadyDeleting &&
          (previousGrace === undefined || grace >= previousGrace) &&
          deepEqual(nextMeta.finalizers, meta.finalizers)
        ) {
          return current;
        }
        nextMeta.deletionTimestamp = rfc3339(new Date(Date.now() + grace * 1000));
        nextMeta.deletionGracePeriodSeconds = grace;
        if (!alreadyDeleting) this.strategy.prepareForDeletion?.(next);
        const written = await this.store.update(key, stripVersion(next) as StoredValue, {
          expectedRevision: stored.modRevision,
        });
        this.log?.debug(
          { object: this.objectName(namespace, name), kind: this.info.kind, grace },
          "marked for deletion",
        );
        return this.decorate(written.value, written.modRevision);
      } catch (err) {
        if (isStoreError(err, "Conflict")) continue;
        if (isStoreError(err, "NotFound")) throw this.notFound(name);
        throw err;
      }
    }
    throw errors.conflict(this.info.plural, this.info.group, name, "too many concurrent writers, try again");
  }

  /** POST pods/NAME/binding: the scheduler's decision. */
  async bind(namespace: string | undefined, name: string, body: unknown): Promise<ApiObject> {
    const result = await this.guaranteedUpdate(namespace, name, undefined, (pod) => bindPod(pod, body), {
      subresource: "binding",
    });
    return result.object;
  }

  async getScale(namespace: string | undefined, name: string): Promise<ApiObject> {
    return toScale(await this.get(namespace, name));
  }

  /** PUT or PATCH .../scale: change spec.replicas of the parent, nothing else. */
  async updateScale(
    namespace: string | undefined,
    name: string,
    change: { body: unknown } | { type: PatchType; patch: unknown },
  ): Promise<ApiObject> {
    let expected: string | undefined;
    const result = await this.guaranteedUpdate(
      namespace,
      name,
      () => expected,
      (current) => {
        let scale: unknown;
        if ("body" in change) {
          scale = change.body;
        } else {
          if (change.type === "application/apply-patch+yaml") throw errors.unsupportedMediaType(change.type);
          const applied = applyPatch(change.type, toScale(current) as never, change.patch, atomicMeta);
          if (!applied.ok) throw patchInvalid(this.info, name, applied.error);
          scale = applied.value;
        }
        const next = applyScale(current, scale);
        const rv = next.metadata?.resourceVersion;
        expected = rv !== current.metadata?.resourceVersion ? rv : undefined;
        return next;
      },
      {},
    );
    return toScale(result.object);
  }

  /** DELETE on a collection: every object the selectors match, each as a single delete would. */
  async deleteCollection(
    namespace: string | undefined,
    selectors: Selectors,
    options: DeleteOptions,
    dryRun = false,
  ) {
    const list = await this.list(namespace, selectors);
    const deleted: ApiObject[] = [];
    for (const item of list.items as ApiObject[]) {
      try {
        deleted.push(await this.delete(item.metadata?.namespace, item.metadata?.name ?? "", options, dryRun));
      } catch (err) {
        if (!(err instanceof StatusError && err.reason === "NotFound")) throw err;
      }
    }
    return { ...list, items: deleted };
  }
}

function stripVersion(obj: ApiObject): ApiObject {
  if (!obj.metadata || !("resourceVersion" in obj.metadata)) return obj;
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function patchInvalid(info: KindInfo, name: string, error: PatchError): StatusError {
  return errors.invalid(info.kind, info.group, name, [
    { reason: "FieldValueInvalid", field: error.path, message: error.message },
  ]);
}

export function parseRevision(resourceVersion: string): number {
  const n = Number(resourceVersion);
  if (!/^\d+$/.test(resourceVersion) || !Number.isSafeInteger(n)) {
    throw errors.badRequest(`invalid resource version: ${JSON.stringify(resourceVersion)}`);
  }
  return n;
}

/** A continue token: the revision the first page was read at and the last key returned. */
function encodeContinue(revision: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 1, rv: revision, start: lastKey })).toString("base64url");
}

function decodeContinue(token: string): { revision: number; startAfter: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      rv?: unknown;
      start?: unknown;
    };
    if (typeof parsed.rv === "number" && typeof parsed.start === "string") {
      return { revision: parsed.rv, startAfter: parsed.start };
    }
  } catch {
    // fall through to the error below
  }
  throw errors.badRequest(`invalid continue token ${JSON.stringify(token)}`);
}

import { allKinds, kindForApiVersion } from "@minik8s/api/registry";
import type { Namespace } from "@minik8s/api/schemas/core";
import { isNotFound } from "@minik8s/api/status-error";
import type { Client, EventRecorder, Informer, Logger } from "@minik8s/client";
import { QueueController } from "../controller.js";
import type { SharedInformers } from "../informers.js";

const NAMESPACE_KIND = kindForApiVersion("v1", "Namespace")!;
const FINALIZER = "kubernetes";

/** How soon to look again while content is still going away (pods stopping, finalizers). */
const RECHECK_MS = 1000;

export interface NamespaceControllerOptions {
  client: Client;
  informers: SharedInformers;
  events: EventRecorder;
  log: Logger;
  recheckMs?: number;
}

/**
 * Empties a Terminating namespace: deletes everything of every namespaced kind in it (a live
 * list per kind, not a cache: nothing may be missed), waits until all of it is gone (pods stop
 * gracefully, finalizers run), then removes its `kubernetes` finalizer through the finalize
 * subresource, and the apiserver removes the namespace. Kubernetes' NamespacedResourcesDeleter.
 */
export class NamespaceController extends QueueController {
  private readonly client: Client;
  private readonly namespaces: Informer<Namespace>;
  private readonly recheckMs: number;

  constructor(opts: NamespaceControllerOptions) {
    super("namespace", opts.log);
    this.client = opts.client;
    this.recheckMs = opts.recheckMs ?? RECHECK_MS;
    this.namespaces = opts.informers.for<Namespace>(NAMESPACE_KIND);
    this.namespaces.addEventHandler({
      onAdd: (ns) => this.enqueue(ns.metadata.name ?? ""),
      onUpdate: (_old, ns) => this.enqueue(ns.metadata.name ?? ""),
    });
  }

  async reconcile(name: string): Promise<void> {
    const ns = this.namespaces.get(name);
    if (!ns?.metadata.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(FINALIZER)) return;
    let remaining = 0;
    const left: string[] = [];
    for (const kind of allKinds()) {
      if (!kind.namespaced) continue;
      const list = await this.client.list(kind, { namespace: name });
      if (list.items.length === 0) continue;
      remaining += list.items.length;
      left.push(`${kind.plural}: ${list.items.length}`);
      const undeleted = list.items.filter((o) => !o.metadata?.deletionTimestamp);
      if (undeleted.length === 0) continue;
      await this.client.deleteCollection(kind, { namespace: name });
      this.log.info(
        { namespace: name, resource: kind.plural, count: undeleted.length },
        "deleting namespace content",
      );
    }
    if (remaining > 0) {
      this.log.debug({ namespace: name, left }, "content still going away");
      this.queue.addAfter(name, this.recheckMs);
      return;
    }
    try {
      await this.client.request({
        method: "PUT",
        path: `/api/v1/namespaces/${encodeURIComponent(name)}/finalize`,
        body: {
          ...ns,
          spec: {
            ...(ns.spec ?? {}),
            finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER),
          },
        },
      });
      this.log.info({ namespace: name }, "namespace empty; removed its kubernetes finalizer");
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

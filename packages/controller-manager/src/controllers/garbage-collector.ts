import { allKinds, type KindInfo, kindForApiVersion } from "@minik8s/api/registry";
import type { OwnerReference } from "@minik8s/api/schemas/meta";
import { isConflict, isNotFound } from "@minik8s/api/status-error";
import type { Client, EventRecorder, KubeObject, Logger } from "@minik8s/client";
import { QueueController } from "../controller.js";
import type { SharedInformers } from "../informers.js";
import { type GraphNode, OwnerGraph } from "./owner-graph.js";

const ORPHAN = "orphan";
const FOREGROUND = "foregroundDeletion";

/** Events name objects but are never owned in practice, and are the busiest kind by far. */
const UNWATCHED = new Set(["events"]);

export interface GarbageCollectorOptions {
  client: Client;
  informers: SharedInformers;
  events: EventRecorder;
  log: Logger;
}

type Meta = GraphNode["obj"]["metadata"];

/**
 * Kubernetes' garbage collector. It watches every kind and keeps an owner graph; the work queue
 * carries uids. For one object it decides:
 * - deleting with the `orphan` finalizer: strip its uid from its dependents' ownerReferences,
 *   then drop the finalizer (the object goes, its dependents stay);
 * - deleting with `foregroundDeletion`: delete its dependents (foreground again when they have
 *   their own), and once no dependent that blocks owner deletion is left, drop the finalizer;
 * - owned, and every owner gone (checked with a live GET, the cache may lag): delete it in the
 *   background; some owners gone: remove just their references.
 */
export class GarbageCollector extends QueueController {
  private readonly client: Client;
  readonly graph = new OwnerGraph();

  constructor(opts: GarbageCollectorOptions) {
    super("garbagecollector", opts.log);
    this.client = opts.client;
    for (const kind of allKinds()) {
      if (UNWATCHED.has(kind.plural)) continue;
      const informer = opts.informers.for<KubeObject>(kind);
      informer.addEventHandler({
        onAdd: (obj) => this.changed(kind, undefined, obj),
        onUpdate: (old, obj) => this.changed(kind, old, obj),
        onDelete: (obj) => this.deleted(obj),
      });
    }
  }

  async reconcile(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node) return;
    const meta = node.obj.metadata;
    if (meta.deletionTimestamp && meta.finalizers?.includes(ORPHAN)) {
      await this.orphanDependents(node);
      return;
    }
    if (meta.deletionTimestamp && meta.finalizers?.includes(FOREGROUND)) {
      await this.deleteDependentsFirst(node);
      return;
    }
    if ((meta.ownerReferences ?? []).length > 0 && !meta.deletionTimestamp)
      await this.collectIfOrphaned(node);
  }

  private async orphanDependents(node: GraphNode): Promise<void> {
    const uid = node.obj.metadata.uid ?? "";
    for (const dep of this.graph.dependentsOf(uid)) {
      await this.patchOwners(dep, (refs) => refs.filter((r) => r.uid !== uid));
      this.log.info({ object: describe(dep), owner: describe(node) }, "orphaned dependent");
    }
    await this.removeFinalizer(node, ORPHAN);
  }

  private async deleteDependentsFirst(node: GraphNode): Promise<void> {
    const uid = node.obj.metadata.uid ?? "";
    const dependents = this.graph.dependentsOf(uid);
    let blocking = 0;
    for (const dep of dependents) {
      const ref = dep.obj.metadata.ownerReferences?.find((r) => r.uid === uid);
      if (ref?.blockOwnerDeletion) blocking++;
      if (dep.obj.metadata.deletionTimestamp) continue;
      const otherOwners = (dep.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      if (otherOwners.length > 0 && (await this.anyOwnerExists(dep, otherOwners))) {
        // Someone else still owns it: it stays, without us.
        await this.patchOwners(dep, () => otherOwners);
        continue;
      }
      const policy =
        this.graph.dependentsOf(dep.obj.metadata.uid ?? "").length > 0 ? "Foreground" : "Background";
      await this.deleteObject(dep, policy, `its owner ${describe(node)} is deleted in the foreground`);
    }
    if (blocking > 0) {
      this.log.debug({ object: describe(node), blocking }, "waiting for dependents to be deleted");
      return;
    }
    await this.removeFinalizer(node, FOREGROUND);
  }

  private async collectIfOrphaned(node: GraphNode): Promise<void> {
    const refs = node.obj.metadata.ownerReferences ?? [];
    const gone: OwnerReference[] = [];
    for (const ref of refs) if (!(await this.ownerExists(node, ref))) gone.push(ref);
    if (gone.length === 0) return;
    if (gone.length === refs.length) {
      await this.deleteObject(
        node,
        "Background",
        `owner ${gone.map((r) => `${r.kind}/${r.name}`).join(", ")} is gone`,
      );
      return;
    }
    const goneUids = new Set(gone.map((r) => r.uid));
    await this.patchOwners(node, (current) => current.filter((r) => !goneUids.has(r.uid)));
    this.log.info(
      { object: describe(node), removed: [...goneUids] },
      "removed references to owners that are gone",
    );
  }

  private async anyOwnerExists(node: GraphNode, refs: readonly OwnerReference[]): Promise<boolean> {
    for (const ref of refs) if (await this.ownerExists(node, ref)) return true;
    return false;
  }

  /** The cache first; when it does not know the uid, ask the apiserver (the cache may lag). */
  private async ownerExists(node: GraphNode, ref: OwnerReference): Promise<boolean> {
    if (this.graph.get(ref.uid)) return true;
    const kind = kindForApiVersion(ref.apiVersion, ref.kind);
    if (!kind) return true; // a kind we do not serve: never collect on a guess
    const namespace = kind.namespaced ? node.obj.metadata.namespace : undefined;
    try {
      const owner = await this.client.get(kind, namespace, ref.name);
      return owner.metadata?.uid === ref.uid;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private async deleteObject(
    node: GraphNode,
    policy: "Foreground" | "Background",
    why: string,
  ): Promise<void> {
    const meta = node.obj.metadata;
    try {
      await this.client.delete(node.kind, meta.namespace, meta.name ?? "", {
        propagationPolicy: policy,
        preconditions: { uid: meta.uid ?? "" },
      });
      this.log.info({ object: describe(node), policy, why }, "deleted dependent");
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return; // gone, or another object by that name now
      throw err;
    }
  }

  private async patchOwners(
    node: GraphNode,
    change: (refs: OwnerReference[]) => OwnerReference[],
  ): Promise<void> {
    const meta = node.obj.metadata;
    const refs = change(meta.ownerReferences ?? []);
    try {
      await this.client.patch(node.kind, meta.namespace, meta.name ?? "", "application/merge-patch+json", {
        metadata: { ownerReferences: refs.length > 0 ? refs : null, resourceVersion: meta.resourceVersion },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async removeFinalizer(node: GraphNode, finalizer: string): Promise<void> {
    const meta = node.obj.metadata;
    const rest = (meta.finalizers ?? []).filter((f) => f !== finalizer);
    try {
      await this.client.patch(node.kind, meta.namespace, meta.name ?? "", "application/merge-patch+json", {
        metadata: { finalizers: rest.length > 0 ? rest : null, resourceVersion: meta.resourceVersion },
      });
      this.log.info({ object: describe(node), finalizer }, "dependents handled; removed finalizer");
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private changed(kind: KindInfo, old: KubeObject | undefined, obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    this.graph.upsert({ kind, obj: obj as GraphNode["obj"] });
    const meta = obj.metadata as Meta;
    if ((meta.ownerReferences ?? []).length > 0) this.enqueue(uid);
    const deleting = Boolean(meta.deletionTimestamp);
    if (deleting && (meta.finalizers?.includes(ORPHAN) || meta.finalizers?.includes(FOREGROUND)))
      this.enqueue(uid);
    // Owners deleting in the foreground wait on this object: tell them when it changes.
    for (const ref of meta.ownerReferences ?? []) if (this.waitsForDependents(ref.uid)) this.enqueue(ref.uid);
    // Owner references removed: their owners may now be free to go.
    const before = new Set((old?.metadata?.ownerReferences ?? []).map((r) => r.uid));
    for (const ref of meta.ownerReferences ?? []) before.delete(ref.uid);
    for (const gone of before) if (this.waitsForDependents(gone)) this.enqueue(gone);
  }

  private deleted(obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    this.graph.remove(uid);
    // Its dependents may have lost their last owner; its owners may have lost a blocker.
    for (const dep of this.graph.dependentsOf(uid)) this.enqueue(dep.obj.metadata.uid ?? "");
    for (const ref of obj.metadata?.ownerReferences ?? [])
      if (this.waitsForDependents(ref.uid)) this.enqueue(ref.uid);
  }

  private waitsForDependents(uid: string): boolean {
    const owner = this.graph.get(uid);
    return Boolean(
      owner?.obj.metadata.deletionTimestamp && owner.obj.metadata.finalizers?.includes(FOREGROUND),
    );
  }
}

function describe(node: GraphNode): string {
  const meta = node.obj.metadata;
  return `${node.kind.kind} ${meta.namespace ? `${meta.namespace}/` : ""}${meta.name}`;
}

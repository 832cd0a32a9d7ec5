import { deepEqual } from "@minik8s/api/deep-equal";
import { kindForApiVersion } from "@minik8s/api/registry";
import type { Node, Pod, Taint, Toleration } from "@minik8s/api/schemas/core";
import { isNotFound } from "@minik8s/api/status-error";
import { rfc3339 } from "@minik8s/api/time";
import {
  type Client,
  type Clock,
  type EventRecorder,
  type Informer,
  type Logger,
  objectKey,
  realClock,
} from "@minik8s/client";
import { QueueController } from "../../controller.js";
import type { SharedInformers } from "../../informers.js";
import { indexPodsByNode, noExecuteTaints, POD_NODE_INDEX, toleratesTaint } from "./taints.js";

const NODE_KIND = kindForApiVersion("v1", "Node")!;
const POD_KIND = kindForApiVersion("v1", "Pod")!;

export interface TaintEvictionControllerOptions {
  client: Client;
  informers: SharedInformers;
  events: EventRecorder;
  log: Logger;
  clock?: Clock;
}

/** When a pod must leave its node: now, at a time (ms since the epoch), or never. */
export type EvictionTime = { at: number } | "never";

/**
 * When the NoExecute `taints` of a pod's node evict it. A taint no toleration tolerates: now.
 * Otherwise each taint is tolerated by the first toleration that matches it, for its
 * `tolerationSeconds` counted from the taint's `timeAdded` (for ever when it has none); the
 * pod goes when the first of those runs out. `since(taint)` dates a taint without `timeAdded`.
 */
export function evictionTime(
  tolerations: readonly Toleration[] | undefined,
  taints: readonly Taint[],
  since: (taint: Taint) => number,
): EvictionTime {
  let at = Number.POSITIVE_INFINITY;
  for (const taint of taints) {
    const toleration = (tolerations ?? []).find((t) => toleratesTaint(t, taint));
    if (!toleration) return { at: Number.NEGATIVE_INFINITY };
    if (toleration.tolerationSeconds === undefined) continue;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : Number.NaN;
    const start = Number.isFinite(added) ? added : since(taint);
    at = Math.min(at, start + Math.max(0, toleration.tolerationSeconds) * 1000);
  }
  return at === Number.POSITIVE_INFINITY ? "never" : { at };
}

/**
 * Kubernetes' taint eviction controller (the "taint manager"): a pod on a node with a NoExecute
 * taint it does not tolerate is deleted at once; one it tolerates for `tolerationSeconds` is
 * deleted when that runs out, unless the taint goes first; one it tolerates without a limit
 * stays. The node lifecycle controller's not-ready/unreachable taints, with the 300 s
 * tolerations every pod gets at admission, are how pods leave a dead node.
 *
 * Where it differs: Kubernetes times a toleration from when it first saw the taint; here from
 * the taint's `timeAdded` (the API's record), so a restarted controller keeps the same deadlines.
 */
export class TaintEvictionController extends QueueController {
  private readonly client: Client;
  private readonly events: EventRecorder;
  private readonly clock: Clock;
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  /** Pods with a deletion timed for later: their cancellation gets an event. */
  private readonly scheduled = new Set<string>();
  /** When taints without `timeAdded` were first seen, by `node/key`. */
  private readonly firstSeen = new Map<string, number>();

  constructor(opts: TaintEvictionControllerOptions) {
    const clock = opts.clock ?? realClock;
    super("taint-eviction", opts.log, clock);
    this.client = opts.client;
    this.events = opts.events;
    this.clock = clock;
    this.nodes = opts.informers.for<Node>(NODE_KIND);
    this.pods = opts.informers.for<Pod>(POD_KIND);
    indexPodsByNode(this.pods);
    this.nodes.addEventHandler({
      onAdd: (node) => {
        if (noExecuteTaints(node).length > 0) this.enqueuePodsOn(node);
      },
      onUpdate: (old, node) => {
        if (!deepEqual(noExecuteTaints(old), noExecuteTaints(node))) this.enqueuePodsOn(node);
      },
      onDelete: (node) => this.forgetNode(node.metadata.name ?? ""),
    });
    this.pods.addEventHandler({
      onAdd: (pod) => {
        if (pod.spec.nodeName) this.enqueue(objectKey(pod));
      },
      onUpdate: (old, pod) => {
        if (
          pod.spec.nodeName &&
          (old.spec.nodeName !== pod.spec.nodeName || !deepEqual(old.spec.tolerations, pod.spec.tolerations))
        ) {
          this.enqueue(objectKey(pod));
        }
      },
      onDelete: (pod) => this.scheduled.delete(objectKey(pod)),
    });
  }

  async reconcile(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.metadata.deletionTimestamp || !pod.spec.nodeName) {
      this.scheduled.delete(key);
      return;
    }
    const nodeName = pod.spec.nodeName;
    const taints = noExecuteTaints(this.nodes.getByName(undefined, nodeName));
    const now = this.clock.now();
    const when =
      taints.length === 0
        ? "never"
        : evictionTime(pod.spec.tolerations, taints, (t) => this.since(nodeName, t, now));
    if (when === "never") {
      this.cancel(pod, key);
      return;
    }
    if (when.at > now) {
      if (!this.scheduled.has(key)) {
        this.scheduled.add(key);
        this.log.info(
          { pod: key, node: nodeName, evictAt: rfc3339(when.at) },
          "pod tolerates its node's NoExecute taints for a while; eviction timed",
        );
      }
      this.queue.addAfter(key, when.at - now);
      return;
    }
    await this.evict(pod, key, nodeName, taints);
  }

  private async evict(pod: Pod, key: string, nodeName: string, taints: Taint[]): Promise<void> {
    this.scheduled.delete(key);
    this.log.info(
      { pod: key, node: nodeName, taints: taints.map((t) => t.key) },
      "evicting pod: NoExecute taint not tolerated (any more)",
    );
    this.events.event(pod, "Normal", "TaintManagerEviction", `Marking for deletion Pod ${key}`);
    try {
      // Why it goes, for whoever watches the pod (Kubernetes' DisruptionTarget condition).
      const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== "DisruptionTarget");
      conditions.push({
        type: "DisruptionTarget",
        status: "True",
        reason: "DeletionByTaintManager",
        message: "Taint manager: deleting due to NoExecute taint",
        lastTransitionTime: rfc3339(this.clock.now()),
      });
      await this.client.updateStatus<Pod>({ ...pod, status: { ...pod.status, conditions } });
      await this.client.delete(POD_KIND, pod.metadata.namespace, pod.metadata.name ?? "", {
        preconditions: { uid: pod.metadata.uid ?? "" },
      });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  private cancel(pod: Pod, key: string): void {
    if (!this.scheduled.delete(key)) return;
    this.log.info({ pod: key, node: pod.spec.nodeName }, "NoExecute taint gone; eviction cancelled");
    this.events.event(pod, "Normal", "TaintManagerEviction", `Cancelling deletion of Pod ${key}`);
  }

  private since(nodeName: string, taint: Taint, now: number): number {
    const id = `${nodeName}/${taint.key}`;
    let at = this.firstSeen.get(id);
    if (at === undefined) {
      at = now;
      this.firstSeen.set(id, at);
    }
    return at;
  }

  private enqueuePodsOn(node: Node): void {
    const name = node.metadata.name ?? "";
    const keys = new Set(noExecuteTaints(node).map((t) => `${name}/${t.key}`));
    for (const id of this.firstSeen.keys()) {
      if (id.startsWith(`${name}/`) && !keys.has(id)) this.firstSeen.delete(id);
    }
    for (const pod of this.pods.byIndex(POD_NODE_INDEX, name)) this.enqueue(objectKey(pod));
  }

  private forgetNode(name: string): void {
    for (const id of this.firstSeen.keys()) if (id.startsWith(`${name}/`)) this.firstSeen.delete(id);
  }
}

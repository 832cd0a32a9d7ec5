import { deepEqual } from "@minik8s/api/deep-equal";
import { LabelSelectorError, labelSelectorFromObject } from "@minik8s/api/label-selector";
import { kindForApiVersion } from "@minik8s/api/registry";
import type { Deployment, ReplicaSet } from "@minik8s/api/schemas/apps";
import type { Pod } from "@minik8s/api/schemas/core";
import type { Condition } from "@minik8s/api/schemas/meta";
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from "@minik8s/api/schemas/policy";
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
import { QueueController } from "../controller.js";
import { controllerRefOf } from "../controller-ref.js";
import type { SharedInformers } from "../informers.js";
import { isPodReady } from "../pod-util.js";
import {
  countHealthy,
  desiredHealthy,
  disruptionAllowedCondition,
  disruptionsAllowed,
  needsControllerScale,
  pruneDisruptedPods,
} from "./disruption/budget.js";

const PDB_KIND = kindForApiVersion("policy/v1", "PodDisruptionBudget")!;
const POD_KIND = kindForApiVersion("v1", "Pod")!;
const RS_KIND = kindForApiVersion("apps/v1", "ReplicaSet")!;
const DEPLOYMENT_KIND = kindForApiVersion("apps/v1", "Deployment")!;

export interface DisruptionControllerOptions {
  client: Client;
  informers: SharedInformers;
  events: EventRecorder;
  log: Logger;
  clock?: Clock;
}

/**
 * Kubernetes' disruption controller: keeps each PodDisruptionBudget's status true to its pods —
 * how many are healthy (Ready), how many must stay healthy, and so how many the eviction API may
 * take now (`disruptionsAllowed`). It also forgets evictions once it sees their pods deleted (or
 * after two minutes, in case the delete never happened).
 */
export class DisruptionController extends QueueController {
  private readonly client: Client;
  private readonly events: EventRecorder;
  private readonly clock: Clock;
  private readonly pdbs: Informer<PodDisruptionBudget>;
  private readonly pods: Informer<Pod>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly deployments: Informer<Deployment>;

  constructor(opts: DisruptionControllerOptions) {
    super("disruption", opts.log);
    this.client = opts.client;
    this.events = opts.events;
    this.clock = opts.clock ?? realClock;
    this.pdbs = opts.informers.for<PodDisruptionBudget>(PDB_KIND);
    this.pods = opts.informers.for<Pod>(POD_KIND);
    this.replicaSets = opts.informers.for<ReplicaSet>(RS_KIND);
    this.deployments = opts.informers.for<Deployment>(DEPLOYMENT_KIND);
    this.pdbs.addEventHandler({
      onAdd: (pdb) => this.enqueue(objectKey(pdb)),
      onUpdate: (_old, pdb) => this.enqueue(objectKey(pdb)),
      onDelete: () => {},
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.enqueueBudgetsOf(pod),
      onUpdate: (old, pod) => {
        this.enqueueBudgetsOf(old);
        this.enqueueBudgetsOf(pod);
      },
      onDelete: (pod) => this.enqueueBudgetsOf(pod),
    });
    // A change of scale changes what percentages and maxUnavailable resolve to.
    const scaleChanged = (obj: { metadata?: { namespace?: string } }) =>
      this.enqueueNamespace(obj.metadata?.namespace ?? "");
    for (const informer of [this.replicaSets, this.deployments] as Informer<ReplicaSet | Deployment>[]) {
      informer.addEventHandler({
        onAdd: scaleChanged,
        onUpdate: (_old, obj) => scaleChanged(obj),
        onDelete: scaleChanged,
      });
    }
  }

  private enqueueBudgetsOf(pod: Pod): void {
    for (const pdb of this.pdbs.byNamespace(pod.metadata.namespace ?? "")) {
      if (selects(pdb, pod)) this.enqueue(objectKey(pdb));
    }
  }

  private enqueueNamespace(namespace: string): void {
    for (const pdb of this.pdbs.byNamespace(namespace)) this.enqueue(objectKey(pdb));
  }

  async reconcile(key: string): Promise<void> {
    const pdb = this.pdbs.get(key);
    if (!pdb) return;
    const namespace = pdb.metadata.namespace ?? "default";
    const pods = this.pods.byNamespace(namespace).filter((p) => selects(pdb, p));
    const now = this.clock.now();
    const { kept, recheckAtMs } = pruneDisruptedPods(pdb.status?.disruptedPods, pods, now);

    let syncError: string | undefined;
    let scale: number | undefined;
    if (needsControllerScale(pdb.spec)) {
      const found = this.controllerScale(pods);
      if (found instanceof Error) syncError = found.message;
      else scale = found;
    }
    const desired = syncError === undefined ? desiredHealthy(pdb.spec, pods.length, scale) : undefined;
    if (desired instanceof Error) syncError = desired.message;
    const currentHealthy = countHealthy(pods, kept, isPodReady);
    const target = desired instanceof Error || desired === undefined ? undefined : desired;
    // On a failed sync Kubernetes allows no disruption at all until the next good one.
    const allowed = target ? disruptionsAllowed(currentHealthy, target) : 0;
    const status: PodDisruptionBudgetStatus = {
      observedGeneration: pdb.metadata.generation ?? 1,
      ...(Object.keys(kept).length > 0 ? { disruptedPods: kept } : {}),
      disruptionsAllowed: allowed,
      currentHealthy,
      desiredHealthy: target?.desiredHealthy ?? 0,
      expectedPods: target?.expectedPods ?? pods.length,
      conditions: [condition(pdb, allowed, syncError, now)],
    };
    if (syncError !== undefined) {
      this.log.warn({ pdb: key, err: syncError }, "cannot compute the disruption budget");
      this.events.event(
        pdb,
        "Warning",
        "CalculateExpectedPodCountFailed",
        `Failed to calculate the number of expected pods: ${syncError}`,
      );
    }
    if (recheckAtMs !== undefined) this.queue.addAfter(key, Math.max(0, recheckAtMs - now) + 1);
    if (deepEqual(status, pdb.status)) return;
    try {
      await this.client.updateStatus<PodDisruptionBudget>({ ...pdb, status });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    this.log.info(
      { pdb: key, currentHealthy, desiredHealthy: status.desiredHealthy, disruptionsAllowed: allowed },
      "disruption budget updated",
    );
  }

  /**
   * Kubernetes' getExpectedScale: the replicas of every distinct controller of the pods (a
   * ReplicaSet's Deployment when it has one). A pod without a controller we know the scale of is
   * an error: a percentage of nothing protects nothing.
   */
  private controllerScale(pods: readonly Pod[]): number | Error {
    const seen = new Map<string, number>();
    for (const pod of pods) {
      const ref = controllerRefOf(pod);
      if (!ref) return new Error(`found no controller ref for pod "${pod.metadata.name}"`);
      if (seen.has(ref.uid)) continue;
      const namespace = pod.metadata.namespace ?? "";
      if (ref.kind === "ReplicaSet") {
        const rs = this.replicaSets.getByName(namespace, ref.name);
        if (!rs || rs.metadata.uid !== ref.uid)
          return new Error(`found no controllers for pod "${pod.metadata.name}"`);
        const owner = controllerRefOf(rs);
        if (owner?.kind === "Deployment") {
          if (seen.has(owner.uid)) continue;
          const d = this.deployments.getByName(namespace, owner.name);
          if (!d || d.metadata.uid !== owner.uid)
            return new Error(`found no controllers for pod "${pod.metadata.name}"`);
          seen.set(owner.uid, d.spec.replicas ?? 1);
          continue;
        }
        seen.set(ref.uid, rs.spec.replicas ?? 1);
        continue;
      }
      return new Error(`found no controllers for pod "${pod.metadata.name}"`);
    }
    let total = 0;
    for (const n of seen.values()) total += n;
    return total;
  }
}

/** policy/v1: an empty selector selects every pod of the namespace, a missing one none. */
function selects(pdb: PodDisruptionBudget, pod: Pod): boolean {
  if (!pdb.spec.selector) return false;
  try {
    return labelSelectorFromObject(pdb.spec.selector).matches(pod.metadata.labels ?? {});
  } catch (err) {
    if (err instanceof LabelSelectorError) return false;
    throw err;
  }
}

/** The DisruptionAllowed condition; its transition time moves only when its status does. */
function condition(
  pdb: PodDisruptionBudget,
  allowed: number,
  syncError: string | undefined,
  now: number,
): Condition {
  const next = disruptionAllowedCondition(allowed, syncError);
  const previous = pdb.status?.conditions?.find((c) => c.type === "DisruptionAllowed");
  return {
    type: "DisruptionAllowed",
    status: next.status,
    observedGeneration: pdb.metadata.generation ?? 1,
    lastTransitionTime:
      previous?.status === next.status && previous.lastTransitionTime
        ? previous.lastTransitionTime
        : rfc3339(new Date(now)),
    reason: next.reason,
    message: next.message,
  };
}

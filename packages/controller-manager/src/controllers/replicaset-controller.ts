import { deepCopy } from "@minik8s/api";
import { deepEqual } from "@minik8s/api/deep-equal";
import { LabelSelectorError, labelSelectorFromObject } from "@minik8s/api/label-selector";
import { kindForApiVersion } from "@minik8s/api/registry";
import type { ReplicaSet, ReplicaSetStatus } from "@minik8s/api/schemas/apps";
import type { Pod } from "@minik8s/api/schemas/core";
import { isForbidden, isNotFound } from "@minik8s/api/status-error";
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
import { claimObjects, controllerRef, controllerRefOf } from "../controller-ref.js";
import { Expectations } from "../expectations.js";
import type { SharedInformers } from "../informers.js";
import { isPodActive, isPodAvailable, isPodReady, msUntilAvailable, podsToDelete } from "../pod-util.js";
import { slowStartBatch } from "../slow-start.js";

const RS_KIND = kindForApiVersion("apps/v1", "ReplicaSet")!;
const POD_KIND = kindForApiVersion("v1", "Pod")!;

/** Kubernetes' BurstReplicas: the most pods one reconcile creates or deletes. */
const BURST_REPLICAS = 500;

export interface ReplicaSetControllerOptions {
  client: Client;
  informers: SharedInformers;
  events: EventRecorder;
  log: Logger;
  clock?: Clock;
}

/**
 * Keeps `spec.replicas` pods running for each ReplicaSet: adopts matching orphans, releases pods
 * whose labels stopped matching, creates the missing pods from the template (slow start: 1, 2,
 * 4 ...) and deletes the surplus, cheapest first. Expectations keep it from acting twice on a
 * cache that has not yet seen its own writes.
 */
export class ReplicaSetController extends QueueController {
  private readonly client: Client;
  private readonly events: EventRecorder;
  private readonly clock: Clock;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  readonly expectations: Expectations;

  constructor(opts: ReplicaSetControllerOptions) {
    super("replicaset", opts.log);
    this.client = opts.client;
    this.events = opts.events;
    this.clock = opts.clock ?? realClock;
    this.expectations = new Expectations(this.clock);
    this.replicaSets = opts.informers.for<ReplicaSet>(RS_KIND);
    this.pods = opts.informers.for<Pod>(POD_KIND);
    this.replicaSets.addEventHandler({
      onAdd: (rs) => this.enqueue(objectKey(rs)),
      onUpdate: (_old, rs) => this.enqueue(objectKey(rs)),
      onDelete: (rs) => {
        this.expectations.delete(objectKey(rs));
        this.enqueue(objectKey(rs));
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  async reconcile(key: string): Promise<void> {
    const rs = this.replicaSets.get(key);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    let selector: ReturnType<typeof labelSelectorFromObject>;
    try {
      selector = labelSelectorFromObject(rs.spec.selector);
    } catch (err) {
      if (!(err instanceof LabelSelectorError)) throw err;
      this.log.warn({ replicaset: key, err: err.message }, "invalid selector; not syncing");
      return;
    }
    // Read before claiming: a satisfied expectation means the cache holds all our writes.
    const needsSync = this.expectations.satisfied(key);
    const namespace = rs.metadata.namespace ?? "default";
    const owned = await claimObjects<Pod>({
      client: this.client,
      resource: POD_KIND,
      owner: ownerOf(rs),
      selector,
      candidates: this.pods.byNamespace(namespace).filter(isPodActive),
      log: this.log,
    });

    let manageError: unknown;
    let diff = 0;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      diff = owned.length - (rs.spec.replicas ?? 1);
      manageError = await this.manageReplicas(key, rs, owned, diff);
    }
    await this.updateStatus(rs, owned, manageError, diff);
    if (manageError !== undefined) throw manageError;
  }

  private async manageReplicas(key: string, rs: ReplicaSet, owned: Pod[], diff: number): Promise<unknown> {
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      this.log.info(
        { replicaset: key, have: owned.length, want: rs.spec.replicas, creating: count },
        "too few pods",
      );
      this.expectations.expectCreations(key, count);
      const { successes, error } = await slowStartBatch(count, 1, () => this.createPod(rs));
      // Creations that were never attempted or failed will not be observed: stop waiting for them.
      for (let i = successes; i < count; i++) this.expectations.creationObserved(key);
      if (error !== undefined && isForbidden(error) && /being terminated/.test(String(error)))
        return undefined;
      return error;
    }
    if (diff > 0) {
      const count = Math.min(diff, BURST_REPLICAS);
      const victims = podsToDelete(owned, this.relatedPods(rs), count);
      this.log.info(
        { replicaset: key, have: owned.length, want: rs.spec.replicas, deleting: victims.map(objectKey) },
        "too many pods",
      );
      this.expectations.expectDeletions(key, victims.map(objectKey));
      const results = await Promise.allSettled(victims.map((pod) => this.deletePod(key, rs, pod)));
      return results.find((r) => r.status === "rejected")?.reason;
    }
    return undefined;
  }

  private async createPod(rs: ReplicaSet): Promise<void> {
    const template = rs.spec.template;
    const pod: Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}) },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
        ownerReferences: [controllerRef(ownerOf(rs))],
      },
      spec: deepCopy(template.spec),
    };
    try {
      const created = await this.client.create(pod);
      this.events.event(rs, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`);
    } catch (err) {
      this.events.event(rs, "Warning", "FailedCreate", `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  private async deletePod(key: string, rs: ReplicaSet, pod: Pod): Promise<void> {
    try {
      await this.client.delete(POD_KIND, pod.metadata.namespace, pod.metadata.name ?? "", {
        preconditions: { uid: pod.metadata.uid ?? "" },
      });
      this.events.event(rs, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      // Already gone: its delete event will never come, so stop expecting it.
      this.expectations.deletionObserved(key, objectKey(pod));
      if (isNotFound(err)) return;
      this.events.event(rs, "Warning", "FailedDelete", `Error deleting: ${(err as Error).message}`);
      throw err;
    }
  }

  /** The pods of this ReplicaSet's siblings (same controller): ranks spread what is deleted. */
  private relatedPods(rs: ReplicaSet): Pod[] {
    const owner = controllerRefOf(rs);
    const family = owner
      ? this.replicaSets.byOwner(owner.uid).filter((s) => controllerRefOf(s)?.uid === owner.uid)
      : [rs];
    return family.flatMap((s) => this.pods.byOwner(s.metadata.uid ?? "")).filter(isPodActive);
  }

  private async updateStatus(
    rs: ReplicaSet,
    owned: Pod[],
    manageError: unknown,
    diff: number,
  ): Promise<void> {
    const now = this.clock.now();
    const minReady = rs.spec.minReadySeconds ?? 0;
    const templateLabels = rs.spec.template.metadata?.labels ?? {};
    const status: ReplicaSetStatus = {
      replicas: owned.length,
      fullyLabeledReplicas: owned.filter((p) =>
        Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v),
      ).length,
      readyReplicas: owned.filter(isPodReady).length,
      availableReplicas: owned.filter((p) => isPodAvailable(p, minReady, now)).length,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    const conditions = (rs.status?.conditions ?? []).filter((c) => c.type !== "ReplicaFailure");
    const failure = rs.status?.conditions?.find((c) => c.type === "ReplicaFailure");
    if (manageError !== undefined) {
      conditions.push({
        type: "ReplicaFailure",
        status: "True",
        reason: diff < 0 ? "FailedCreate" : "FailedDelete",
        message: (manageError as Error).message ?? String(manageError),
        lastTransitionTime: failure?.lastTransitionTime ?? rfc3339(now),
      });
    }
    if (conditions.length > 0) status.conditions = conditions;
    const current = { ...rs.status };
    delete current.terminatingReplicas;
    if (!deepEqual(current, status)) {
      const key = objectKey(rs);
      await this.client.updateStatus({ ...rs, status });
      this.log.debug({ replicaset: key, ...status, conditions: undefined }, "status updated");
    }
    // Pods ready but not yet for minReadySeconds become available by waiting alone: come back then.
    const waits = owned.map((p) => msUntilAvailable(p, minReady, now)).filter((ms) => ms !== undefined);
    if (waits.length > 0) this.queue.addAfter(objectKey(rs), Math.min(...waits) + 50);
  }

  private ownerKeyOf(pod: Pod): string | undefined {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== "ReplicaSet") return undefined;
    const rs = this.replicaSets.getByName(pod.metadata.namespace, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return undefined;
    return objectKey(rs);
  }

  /** Orphans wake every ReplicaSet that could adopt them. */
  private enqueueMatching(pod: Pod): void {
    for (const rs of this.replicaSets.byNamespace(pod.metadata.namespace ?? "default")) {
      try {
        if (labelSelectorFromObject(rs.spec.selector).matches(pod.metadata.labels ?? {})) {
          this.enqueue(objectKey(rs));
        }
      } catch {
        // an invalid selector adopts nothing
      }
    }
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) {
      this.podDeleted(pod);
      return;
    }
    const key = this.ownerKeyOf(pod);
    if (key) {
      this.expectations.creationObserved(key);
      this.enqueue(key);
    } else if (!controllerRefOf(pod)) {
      this.enqueueMatching(pod);
    }
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) {
      // Graceful deletion started: for counting, the pod is gone now (as in Kubernetes).
      this.podDeleted(pod);
    }
    const oldKey = this.ownerKeyOf(old);
    const key = this.ownerKeyOf(pod);
    if (oldKey && oldKey !== key) this.enqueue(oldKey);
    if (key) this.enqueue(key);
    else if (!controllerRefOf(pod)) this.enqueueMatching(pod);
  }

  private podDeleted(pod: Pod): void {
    const key = this.ownerKeyOf(pod);
    if (!key) return;
    this.expectations.deletionObserved(key, objectKey(pod));
    this.enqueue(key);
  }
}

function ownerOf(rs: ReplicaSet) {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    name: rs.metadata.name ?? "",
    uid: rs.metadata.uid ?? "",
    namespace: rs.metadata.namespace ?? "default",
    deleting: Boolean(rs.metadata.deletionTimestamp),
  };
}

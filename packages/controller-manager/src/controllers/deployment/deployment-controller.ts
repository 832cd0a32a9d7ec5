import { deepCopy } from "@minik8s/api";
import { deepEqual } from "@minik8s/api/deep-equal";
import { LabelSelectorError, labelSelectorFromObject } from "@minik8s/api/label-selector";
import { kindForApiVersion } from "@minik8s/api/registry";
import type { Deployment, ReplicaSet } from "@minik8s/api/schemas/apps";
import type { Pod } from "@minik8s/api/schemas/core";
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
import { claimObjects, controllerRefOf } from "../../controller-ref.js";
import type { SharedInformers } from "../../informers.js";
import { isPodActive } from "../../pod-util.js";
import { type DeploymentContext, writeStatus } from "./context.js";
import { checkPausedConditions } from "./progress.js";
import { rolloutRecreate } from "./recreate.js";
import { rolloutRolling } from "./rolling.js";
import { allOf, calculateStatus, getAllReplicaSetsAndSyncRevision, isScalingEvent, sync } from "./sync.js";

const DEPLOYMENT_KIND = kindForApiVersion("apps/v1", "Deployment")!;
const RS_KIND = kindForApiVersion("apps/v1", "ReplicaSet")!;
const POD_KIND = kindForApiVersion("v1", "Pod")!;

export interface DeploymentControllerOptions {
  client: Client;
  informers: SharedInformers;
  events: EventRecorder;
  log: Logger;
  clock?: Clock;
}

/**
 * Turns a Deployment into ReplicaSets: one per pod template, the current one scaled up and the
 * others down as the strategy allows, old ones kept for rollback up to revisionHistoryLimit,
 * and a status `kubectl rollout status` can follow. Kubernetes' syncDeployment, step for step.
 */
export class DeploymentController extends QueueController {
  private readonly client: Client;
  private readonly events: EventRecorder;
  private readonly clock: Clock;
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;

  constructor(opts: DeploymentControllerOptions) {
    super("deployment", opts.log);
    this.client = opts.client;
    this.events = opts.events;
    this.clock = opts.clock ?? realClock;
    this.deployments = opts.informers.for<Deployment>(DEPLOYMENT_KIND);
    this.replicaSets = opts.informers.for<ReplicaSet>(RS_KIND);
    this.pods = opts.informers.for<Pod>(POD_KIND);
    this.deployments.addEventHandler({
      onAdd: (d) => this.enqueue(objectKey(d)),
      onUpdate: (_old, d) => this.enqueue(objectKey(d)),
      onDelete: (d) => this.enqueue(objectKey(d)),
    });
    this.replicaSets.addEventHandler({
      onAdd: (rs) => this.replicaSetChanged(rs),
      onUpdate: (old, rs) => {
        const oldOwner = this.ownerKeyOf(old);
        if (oldOwner && oldOwner !== this.ownerKeyOf(rs)) this.enqueue(oldOwner);
        this.replicaSetChanged(rs);
      },
      onDelete: (rs) => {
        const key = this.ownerKeyOf(rs);
        if (key) this.enqueue(key);
      },
    });
    // Recreate waits for the last old pod to be gone: that is a pod event, not a ReplicaSet one.
    this.pods.onDelete((pod) => {
      const rsRef = controllerRefOf(pod);
      if (rsRef?.kind !== "ReplicaSet") return;
      const rs = this.replicaSets.getByName(pod.metadata.namespace, rsRef.name);
      const key = rs && this.ownerKeyOf(rs);
      const d = key && this.deployments.get(key);
      if (d && d.spec.strategy?.type === "Recreate") this.enqueue(key);
    });
  }

  async reconcile(key: string): Promise<void> {
    const cached = this.deployments.get(key);
    if (!cached) return; // deleted: the garbage collector removes its ReplicaSets
    const ctx: DeploymentContext = {
      client: this.client,
      events: this.events,
      log: this.log,
      clock: this.clock,
      d: deepCopy(cached),
      podsOf: (rs) => this.pods.byOwner(rs.metadata.uid ?? "").filter(isPodActive),
      requeueAfter: (ms) => this.queue.addAfter(key, ms),
    };
    const d = ctx.d;
    let selector: ReturnType<typeof labelSelectorFromObject>;
    try {
      selector = labelSelectorFromObject(d.spec.selector);
    } catch (err) {
      if (!(err instanceof LabelSelectorError)) throw err;
      this.log.warn({ deployment: key, err: err.message }, "invalid selector; not syncing");
      return;
    }
    if (selector.isEverything()) {
      // Selecting every pod in the namespace would fight every other controller.
      this.events.event(
        d,
        "Warning",
        "SelectingAll",
        "This deployment is selecting all pods. A non-empty selector is required.",
      );
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 1)) {
        await writeStatus(ctx, { ...(d.status ?? {}), observedGeneration: d.metadata.generation ?? 1 });
      }
      return;
    }
    const rsList = (
      await claimObjects<ReplicaSet>({
        client: this.client,
        resource: RS_KIND,
        owner: {
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: d.metadata.name ?? "",
          uid: d.metadata.uid ?? "",
          namespace: d.metadata.namespace ?? "default",
          deleting: Boolean(d.metadata.deletionTimestamp),
        },
        selector,
        candidates: this.replicaSets.byNamespace(d.metadata.namespace ?? "default"),
        log: this.log,
      })
    ).map((rs) => deepCopy(rs));

    if (d.metadata.deletionTimestamp) {
      // Being deleted: report, change nothing.
      const sets = await getAllReplicaSetsAndSyncRevision(ctx, rsList, false);
      const status = calculateStatus(ctx.d, allOf(sets), sets.newRS, this.clock.now());
      if (!deepEqual(ctx.d.status ?? {}, status)) await writeStatus(ctx, status);
      return;
    }
    await checkPausedConditions(ctx);
    if (ctx.d.spec.paused) {
      this.log.debug({ deployment: key }, "paused: scaling only");
      await sync(ctx, rsList);
      return;
    }
    const sets = await getAllReplicaSetsAndSyncRevision(ctx, rsList, false);
    if (isScalingEvent(ctx.d, sets)) {
      this.log.info({ deployment: key, replicas: ctx.d.spec.replicas }, "scaling event");
      await sync(ctx, rsList);
      return;
    }
    if (ctx.d.spec.strategy?.type === "Recreate") await rolloutRecreate(ctx, rsList);
    else await rolloutRolling(ctx, rsList);
  }

  private ownerKeyOf(rs: ReplicaSet): string | undefined {
    const ref = controllerRefOf(rs);
    if (ref?.kind !== "Deployment") return undefined;
    const d = this.deployments.getByName(rs.metadata.namespace, ref.name);
    if (!d || d.metadata.uid !== ref.uid) return undefined;
    return objectKey(d);
  }

  private replicaSetChanged(rs: ReplicaSet): void {
    const key = this.ownerKeyOf(rs);
    if (key) {
      this.enqueue(key);
      return;
    }
    if (controllerRefOf(rs)) return;
    // An orphan: every Deployment that could adopt it.
    for (const d of this.deployments.byNamespace(rs.metadata.namespace ?? "default")) {
      try {
        if (labelSelectorFromObject(d.spec.selector).matches(rs.metadata.labels ?? {}))
          this.enqueue(objectKey(d));
      } catch {
        // an invalid selector adopts nothing
      }
    }
  }
}

import { kindForApiVersion } from "@minik8s/api/registry";
import type { Lease } from "@minik8s/api/schemas/coordination";
import type { Node, NodeCondition, Pod, Taint } from "@minik8s/api/schemas/core";
import { isNotFound } from "@minik8s/api/status-error";
import { rfc3339 } from "@minik8s/api/time";
import {
  type Client,
  type Clock,
  type EventRecorder,
  type Informer,
  type Logger,
  realClock,
} from "@minik8s/client";
import { QueueController } from "../../controller.js";
import type { SharedInformers } from "../../informers.js";
import {
  indexPodsByNode,
  POD_NODE_INDEX,
  sameTaint,
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
} from "./taints.js";
import { TokenBucket } from "./token-bucket.js";
import { zoneOf, zoneStates } from "./zones.js";

const NODE_KIND = kindForApiVersion("v1", "Node")!;
const LEASE_KIND = kindForApiVersion("coordination.k8s.io/v1", "Lease")!;
const POD_KIND = kindForApiVersion("v1", "Pod")!;
export const NODE_LEASE_NAMESPACE = "kube-node-lease";

/** The conditions a silent kubelet can no longer vouch for (Kubernetes' nodeConditionTypes). */
const HEALTH_CONDITIONS = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

/** Condition type (status True) -> the NoSchedule taint it brings (Kubernetes' nodeConditionToTaintKeyStatusMap). */
const CONDITION_TAINTS: Record<string, string> = {
  MemoryPressure: TAINT_MEMORY_PRESSURE,
  DiskPressure: TAINT_DISK_PRESSURE,
  PIDPressure: TAINT_PID_PRESSURE,
  NetworkUnavailable: TAINT_NETWORK_UNAVAILABLE,
};
const MANAGED_NO_SCHEDULE = new Set([
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  ...Object.values(CONDITION_TAINTS),
]);
const MANAGED_NO_EXECUTE = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE]);

export interface NodeLifecycleControllerOptions extends NodeLifecycleSettings {
  client: Client;
  informers: SharedInformers;
  events: EventRecorder;
  log: Logger;
  clock?: Clock;
}

/** The tunables, as kube-controller-manager's flags name them. */
export interface NodeLifecycleSettings {
  /** --node-monitor-grace-period: silence after which a node is Unknown. Default 40 s. */
  gracePeriodMs?: number;
  /** --node-startup-grace-period: the same for a node that never posted Ready. Default 60 s. */
  startupGracePeriodMs?: number;
  /** --node-monitor-period: each node is looked at least this often. Default 5 s. */
  monitorPeriodMs?: number;
  /** --node-eviction-rate: nodes per second that may get a NoExecute taint. Default 3 (Kubernetes: 0.1). */
  evictionRate?: number;
  /** Nodes tainted at once before the rate applies. Default 1 (as Kubernetes). */
  evictionBurst?: number;
  /** --unhealthy-zone-threshold: the share of not-ready nodes that stops evictions in a zone. Default 0.55. */
  unhealthyZoneThreshold?: number;
  /** The "too many nodes down" guard (zone disruption states); false taints whatever fails. Default true. */
  zoneDisruptionGuard?: boolean;
}

/** What this controller saw of a node, and when by its own clock (Kubernetes' nodeHealthData). */
interface NodeHealth {
  /** When a heartbeat (new Lease renewTime or Ready lastHeartbeatTime) was last observed. */
  probeAt: number;
  heartbeat: string | undefined;
  leaseRenew: string | undefined;
  ready: ReadyStatus | undefined;
}

type ReadyStatus = "True" | "False" | "Unknown";

/**
 * Kubernetes' node lifecycle controller. It tells a live node from a dead one by its heartbeats:
 * the Lease in kube-node-lease (renewed every 10 s) and the Ready condition's lastHeartbeatTime.
 * A node silent for the grace period gets its conditions set to Unknown and, like a node whose
 * kubelet reports Ready=False, taints that keep new pods off it (NoSchedule) and make the
 * taint-eviction controller move existing pods away (NoExecute); its pods are marked not Ready
 * so Services stop sending them traffic. When the kubelet reports Ready again the taints go.
 *
 * Heartbeats are timed by when this controller *observed* them, not by the times written in them,
 * so a kubelet whose clock is off is judged fairly; that memory is the one thing kept here that
 * the API does not hold, and a restarted controller simply grants every node a fresh grace period.
 *
 * NoExecute taints are added at `evictionRate` nodes per second, and not at all in a zone where
 * too many nodes failed at once (more likely a network split on our side than dead nodes): with
 * every zone fully down, no node is tainted NoExecute at all.
 */
export class NodeLifecycleController extends QueueController {
  private readonly client: Client;
  private readonly events: EventRecorder;
  private readonly clock: Clock;
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly health = new Map<string, NodeHealth>();
  private readonly bucket: TokenBucket;
  private readonly gracePeriodMs: number;
  private readonly startupGracePeriodMs: number;
  private readonly monitorPeriodMs: number;
  private readonly threshold: number;
  private readonly guard: boolean;
  private allDisrupted = false;

  constructor(opts: NodeLifecycleControllerOptions) {
    const clock = opts.clock ?? realClock;
    super("node-lifecycle", opts.log, clock);
    this.client = opts.client;
    this.events = opts.events;
    this.clock = clock;
    this.gracePeriodMs = opts.gracePeriodMs ?? 40_000;
    this.startupGracePeriodMs = opts.startupGracePeriodMs ?? 60_000;
    this.monitorPeriodMs = opts.monitorPeriodMs ?? 5_000;
    this.threshold = opts.unhealthyZoneThreshold ?? 0.55;
    this.guard = opts.zoneDisruptionGuard ?? true;
    this.bucket = new TokenBucket(opts.evictionRate ?? 3, opts.evictionBurst ?? 1, clock);
    this.nodes = opts.informers.for<Node>(NODE_KIND);
    this.leases = opts.informers.for<Lease>(LEASE_KIND);
    this.pods = opts.informers.for<Pod>(POD_KIND);
    indexPodsByNode(this.pods);
    this.nodes.addEventHandler({
      onAdd: (node) => this.enqueue(node.metadata.name ?? ""),
      onUpdate: (_old, node) => this.enqueue(node.metadata.name ?? ""),
      onDelete: (node) => this.enqueue(node.metadata.name ?? ""),
    });
    const leaseChanged = (lease: Lease) => {
      if (lease.metadata.namespace === NODE_LEASE_NAMESPACE) this.enqueue(lease.metadata.name ?? "");
    };
    this.leases.addEventHandler({ onAdd: leaseChanged, onUpdate: (_old, lease) => leaseChanged(lease) });
  }

  async reconcile(name: string): Promise<void> {
    const cached = this.nodes.getByName(undefined, name);
    if (!cached) {
      this.health.delete(name);
      return;
    }
    const now = this.clock.now();
    const health = this.observe(cached, now);
    const grace = readyCondition(cached) ? this.gracePeriodMs : this.startupGracePeriodMs;
    const expiresIn = health.probeAt + grace - now;
    let node = cached;
    if (expiresIn <= 0) node = await this.markUnknown(node, now);
    const ready = readyStatus(node);
    this.noteReadiness(node, health, ready);
    if (ready && ready !== "True") await this.markPodsNotReady(node, now);
    const retryIn = await this.syncTaints(node, ready, now);
    this.queue.addAfter(name, Math.min(this.monitorPeriodMs, expiresIn > 0 ? expiresIn : Infinity, retryIn));
  }

  /** Records heartbeats seen since last time; a new one restarts the grace period. */
  private observe(node: Node, now: number): NodeHealth {
    const name = node.metadata.name ?? "";
    const heartbeat = readyCondition(node)?.lastHeartbeatTime;
    const renew = this.leases.getByName(NODE_LEASE_NAMESPACE, name)?.spec?.renewTime;
    let health = this.health.get(name);
    if (!health) {
      health = { probeAt: now, heartbeat, leaseRenew: renew, ready: undefined };
      this.health.set(name, health);
      return health;
    }
    if (heartbeat !== health.heartbeat) {
      health.heartbeat = heartbeat;
      health.probeAt = now;
    }
    if (renew && (!health.leaseRenew || Date.parse(renew) > Date.parse(health.leaseRenew))) {
      health.leaseRenew = renew;
      health.probeAt = now;
    }
    return health;
  }

  private seemsReady(node: Node, now: number): boolean {
    if (readyStatus(node) !== "True") return false;
    const health = this.health.get(node.metadata.name ?? "");
    return !health || now - health.probeAt < this.gracePeriodMs;
  }

  /** The kubelet went silent: nobody can vouch for its conditions any more. */
  private async markUnknown(node: Node, now: number): Promise<Node> {
    const at = rfc3339(now);
    const conditions: NodeCondition[] = (node.status?.conditions ?? []).map((c) =>
      HEALTH_CONDITIONS.includes(c.type) && c.status !== "Unknown"
        ? {
            ...c,
            status: "Unknown",
            reason: "NodeStatusUnknown",
            message: "Kubelet stopped posting node status.",
            lastTransitionTime: at,
          }
        : c,
    );
    if (!conditions.some((c) => c.type === "Ready")) {
      conditions.push({
        type: "Ready",
        status: "Unknown",
        reason: "NodeStatusNeverUpdated",
        message: "Kubelet never posted node status.",
        ...(node.metadata.creationTimestamp ? { lastHeartbeatTime: node.metadata.creationTimestamp } : {}),
        lastTransitionTime: at,
      });
    }
    const before = node.status?.conditions ?? [];
    if (conditions.every((c, i) => c === before[i]) && conditions.length === before.length) return node;
    this.log.info(
      { node: node.metadata.name, gracePeriodMs: this.gracePeriodMs },
      "node stopped posting status; conditions set to Unknown",
    );
    return this.client.updateStatus<Node>({ ...node, status: { ...node.status, conditions } });
  }

  /** Events on a Ready transition; a change of readiness changes zone states: look at every node. */
  private noteReadiness(node: Node, health: NodeHealth, ready: ReadyStatus | undefined): void {
    const before = health.ready;
    health.ready = ready;
    if (before === undefined || ready === undefined || before === ready) return;
    const name = node.metadata.name ?? "";
    if (ready === "True") {
      this.events.event(node, "Normal", "NodeReady", `Node ${name} status is now: NodeReady`);
    } else if (before === "True") {
      this.events.event(node, "Normal", "NodeNotReady", `Node ${name} status is now: NodeNotReady`);
    }
    this.log.info({ node: name, ready, was: before }, "node readiness changed");
    for (const other of this.nodes.list()) {
      if (other.metadata.name !== name) this.enqueue(other.metadata.name ?? "");
    }
  }

  /** Kubernetes' MarkPodsNotReady: the node's pods stop counting as ready endpoints. */
  private async markPodsNotReady(node: Node, now: number): Promise<void> {
    for (const pod of this.pods.byIndex(POD_NODE_INDEX, node.metadata.name ?? "")) {
      const conditions = pod.status?.conditions ?? [];
      if (!conditions.some((c) => c.type === "Ready" && c.status !== "False")) continue;
      const updated = conditions.map((c) =>
        c.type === "Ready" ? { ...c, status: "False" as const, lastTransitionTime: rfc3339(now) } : c,
      );
      try {
        await this.client.updateStatus<Pod>({ ...pod, status: { ...pod.status, conditions: updated } });
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      this.log.info(
        { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, node: node.metadata.name },
        "pod marked not ready: its node is not ready",
      );
      this.events.event(pod, "Warning", "NodeNotReady", "Node is not ready");
    }
  }

  /**
   * Puts on the taints the node's state calls for and takes off the rest of ours. Returns how
   * soon to look again for a NoExecute taint that had to wait (rate limit, disruption guard).
   */
  private async syncTaints(node: Node, ready: ReadyStatus | undefined, now: number): Promise<number> {
    const name = node.metadata.name ?? "";
    const wantNoSchedule = noScheduleTaintsFor(node, ready);
    let wantNoExecute =
      ready === "False" ? TAINT_NOT_READY : ready === "Unknown" ? TAINT_UNREACHABLE : undefined;

    // A node whose grace ran out counts as down even before its reconcile writes Unknown, so a
    // wave of failures is judged as a whole (Kubernetes updates every node before judging zones).
    const states = zoneStates(this.nodes.list(), (n) => this.seemsReady(n, now), this.threshold);
    const allDisrupted = this.guard && [...states.values()].every((s) => s === "FullDisruption");
    if (allDisrupted !== this.allDisrupted) this.disruptionModeChanged(allDisrupted, now);
    if (allDisrupted) wantNoExecute = undefined;

    const existing = node.spec?.taints ?? [];
    const taints = existing.filter((t) => {
      if (t.effect === "NoSchedule" && MANAGED_NO_SCHEDULE.has(t.key)) return wantNoSchedule.includes(t.key);
      if (t.effect === "NoExecute" && MANAGED_NO_EXECUTE.has(t.key)) return t.key === wantNoExecute;
      return true;
    });
    for (const key of wantNoSchedule) {
      const taint: Taint = { key, effect: "NoSchedule" };
      if (!taints.some((t) => sameTaint(t, taint))) taints.push(taint);
    }
    let retryIn = Number.POSITIVE_INFINITY;
    if (wantNoExecute && !taints.some((t) => t.key === wantNoExecute && t.effect === "NoExecute")) {
      // not-ready <-> unreachable is a swap, not a new eviction: no token needed (as Kubernetes).
      const swap = existing.some((t) => t.effect === "NoExecute" && MANAGED_NO_EXECUTE.has(t.key));
      const zone = states.get(zoneOf(node));
      if (!swap && this.guard && zone === "PartialDisruption") {
        // Debug: it repeats every monitor period while the zone stays disrupted.
        this.log.debug(
          { node: name, zone: zoneOf(node) },
          "too many nodes not ready in the zone; not evicting",
        );
        retryIn = this.monitorPeriodMs;
      } else if (swap || this.bucket.tryTake()) {
        taints.push({ key: wantNoExecute, effect: "NoExecute", timeAdded: rfc3339(now) });
      } else {
        retryIn = Math.min(this.bucket.msUntilToken(), this.monitorPeriodMs);
      }
    }
    if (taints.length === existing.length && taints.every((t, i) => t === existing[i])) return retryIn;
    const { taints: _old, ...spec } = node.spec ?? {};
    await this.client.update<Node>({ ...node, spec: taints.length > 0 ? { ...spec, taints } : spec });
    this.log.info(
      {
        node: name,
        ready,
        added: taints.filter((t) => !existing.includes(t)).map(taintText),
        removed: existing.filter((t) => !taints.includes(t)).map(taintText),
      },
      "node taints updated",
    );
    return retryIn;
  }

  /**
   * Every zone fully down looks like this controller's own network failing: Kubernetes stops
   * evicting anywhere ("master disruption mode"), and on the way out gives every node a fresh
   * grace period so none is evicted for silence that was not its fault.
   */
  private disruptionModeChanged(allDisrupted: boolean, now: number): void {
    this.allDisrupted = allDisrupted;
    if (allDisrupted) {
      this.log.warn({}, "every node is not ready; entering disruption mode: no evictions");
    } else {
      this.log.info({}, "some node is ready again; leaving disruption mode");
      for (const health of this.health.values()) health.probeAt = now;
    }
    for (const node of this.nodes.list()) this.enqueue(node.metadata.name ?? "");
  }
}

function readyCondition(node: Node): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === "Ready");
}

/** Undefined for a node that never posted Ready: it is left alone until its startup grace runs out. */
export function readyStatus(node: Node): ReadyStatus | undefined {
  return readyCondition(node)?.status;
}

/** Kubernetes' doNoScheduleTaintingPass: taint keys, in a stable order, for the node's state. */
function noScheduleTaintsFor(node: Node, ready: ReadyStatus | undefined): string[] {
  const keys: string[] = [];
  if (ready === "False") keys.push(TAINT_NOT_READY);
  if (ready === "Unknown") keys.push(TAINT_UNREACHABLE);
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type];
    if (key && c.status === "True") keys.push(key);
  }
  if (node.spec?.unschedulable) keys.push(TAINT_UNSCHEDULABLE);
  return keys;
}

function taintText(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;
}

import { isConflict, type Node, type NodeCondition, type NodeStatus } from "@minik8s/api";
import { deepEqual } from "@minik8s/api/deep-equal";
import { rfc3339 } from "@minik8s/api/time";
import { type Client, type Clock, type Logger, realClock } from "@minik8s/client";
import { GPU_RESOURCE } from "../gpu/device-manager.js";
import type { RuntimeVersion } from "../runtime/container-runtime.js";
import { type MachineInfo, nodeAddresses } from "./machine-info.js";
import { NODES } from "./node-registration.js";

export const KUBELET_MAX_PODS = 110;

/** What the node status is made of, gathered fresh for each update. */
export interface NodeFacts {
  machine: MachineInfo;
  kubeletVersion: string;
  /** The runtime's answer, or why it did not answer. */
  runtime: { ok: true; version: RuntimeVersion } | { ok: false; message: string };
  /** GPUs advertised as nvidia.com/gpu; absent: the resource is not advertised at all. */
  gpus?: number | undefined;
  /** Where the kubelet server listens; the apiserver reaches logs and exec there. */
  kubeletPort?: number | undefined;
}

/**
 * The status this node should show: capacity, allocatable, addresses, nodeInfo and the Ready
 * condition. Kubernetes reserves part of the machine for the system (kube-reserved,
 * eviction thresholds); minik8s reserves nothing, so allocatable equals capacity. Only Ready is
 * reported: the pressure conditions would claim measurements this kubelet does not make.
 */
export function desiredNodeStatus(
  facts: NodeFacts,
  previous: NodeStatus | undefined,
  now: number,
): NodeStatus {
  const capacity: Record<string, string> = {
    cpu: String(facts.machine.cpuCores),
    memory: `${Math.floor(facts.machine.memoryBytes / 1024)}Ki`,
    pods: String(KUBELET_MAX_PODS),
  };
  if (facts.gpus !== undefined) capacity[GPU_RESOURCE] = String(facts.gpus);
  const runtimeVersion = facts.runtime.ok
    ? `${facts.runtime.version.name}://${facts.runtime.version.version}`
    : "";
  const ready: NodeCondition = facts.runtime.ok
    ? { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" }
    : {
        type: "Ready",
        status: "False",
        reason: "KubeletNotReady",
        message: `container runtime is down: ${facts.runtime.message}`,
      };
  const before = previous?.conditions?.find((c) => c.type === "Ready");
  const transition = before && before.status === ready.status ? before.lastTransitionTime : undefined;
  return {
    ...previous,
    capacity,
    allocatable: { ...capacity },
    conditions: [
      ...(previous?.conditions ?? []).filter((c) => c.type !== "Ready"),
      { ...ready, lastHeartbeatTime: rfc3339(now), lastTransitionTime: transition ?? rfc3339(now) },
    ],
    addresses: nodeAddresses(facts.machine),
    ...(facts.kubeletPort !== undefined
      ? { daemonEndpoints: { kubeletEndpoint: { Port: facts.kubeletPort } } }
      : {}),
    nodeInfo: {
      machineID: facts.machine.machineID,
      systemUUID: "",
      bootID: facts.machine.bootID,
      kernelVersion: facts.machine.kernelVersion,
      osImage: facts.machine.osImage,
      containerRuntimeVersion: runtimeVersion,
      kubeletVersion: facts.kubeletVersion,
      operatingSystem: "linux",
      architecture: facts.machine.architecture,
    },
  };
}

/** Two statuses that differ only in heartbeat times need no update. */
export function sameIgnoringHeartbeats(a: NodeStatus | undefined, b: NodeStatus | undefined): boolean {
  const strip = (s: NodeStatus | undefined) => ({
    ...s,
    conditions: s?.conditions?.map(({ lastHeartbeatTime: _h, ...rest }) => rest),
  });
  return deepEqual(strip(a), strip(b));
}

export interface NodeStatusUpdaterOptions {
  client: Client;
  nodeName: string;
  facts: () => Promise<NodeFacts>;
  clock?: Clock;
  logger?: Logger;
  /** How often the status is rebuilt and compared (Kubernetes' nodeStatusUpdateFrequency). */
  checkEveryMs?: number;
  /** The longest the status goes unposted when nothing changed (Kubernetes: 5 min; here 1). */
  reportEveryMs?: number;
}

/**
 * Keeps the Node's status current: posts it when something changed and at least every minute.
 * Liveness itself is the Lease's job (lease-heartbeat.ts); this is the slower, richer report.
 */
export class NodeStatusUpdater {
  private readonly clock: Clock;
  private readonly log: Logger | undefined;
  private lastPosted: NodeStatus | undefined;
  private lastPostedAt = Number.NEGATIVE_INFINITY;
  private cancel: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly opts: NodeStatusUpdaterOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger;
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.syncOnce()
        .catch((err: unknown) =>
          this.log?.warn(
            { node: this.opts.nodeName, err: String(err) },
            "node status update failed; will retry",
          ),
        )
        .finally(() => {
          if (!this.stopped) this.cancel = this.clock.setTimer(tick, this.opts.checkEveryMs ?? 10_000);
        });
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
  }

  /** Rebuilds the status and posts it if it changed or is due; true when it posted. */
  async syncOnce(force = false): Promise<boolean> {
    const facts = await this.opts.facts();
    const now = this.clock.now();
    let node = await this.opts.client.get<Node>(NODES, undefined, this.opts.nodeName);
    const desired = desiredNodeStatus(facts, node.status, now);
    const due = now - this.lastPostedAt >= (this.opts.reportEveryMs ?? 60_000);
    if (!force && !due && sameIgnoringHeartbeats(desired, node.status)) return false;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.opts.client.updateStatus<Node>({
          ...node,
          status: desiredNodeStatus(facts, node.status, now),
        });
        break;
      } catch (err) {
        if (!isConflict(err) || attempt >= 3) throw err;
        node = await this.opts.client.get<Node>(NODES, undefined, this.opts.nodeName);
      }
    }
    const readyNow = desired.conditions?.find((c) => c.type === "Ready");
    const readyBefore = this.lastPosted?.conditions?.find((c) => c.type === "Ready");
    if (readyNow?.status !== readyBefore?.status) {
      this.log?.info(
        { node: this.opts.nodeName, ready: readyNow?.status, reason: readyNow?.reason },
        "node Ready condition changed",
      );
    }
    this.lastPosted = desired;
    this.lastPostedAt = now;
    return true;
  }
}

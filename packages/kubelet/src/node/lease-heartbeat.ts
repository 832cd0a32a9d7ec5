import { isConflict, isNotFound, type KindInfo, kindForApiVersion, type Lease } from "@minik8s/api";
import { microTime } from "@minik8s/api/time";
import { type Client, type Clock, type Logger, realClock } from "@minik8s/client";

export const LEASES = kindForApiVersion("coordination.k8s.io/v1", "Lease") as KindInfo;
export const NODE_LEASE_NAMESPACE = "kube-node-lease";
/** Kubernetes' defaults: renew every 10 s, declared valid for 40 s. */
export const LEASE_RENEW_MS = 10_000;
export const LEASE_DURATION_SECONDS = 40;

export interface LeaseHeartbeatOptions {
  client: Client;
  nodeName: string;
  /** The Node's uid, for the owner reference that lets the garbage collector remove the Lease. */
  nodeUid?: string | undefined;
  clock?: Clock;
  logger?: Logger;
  renewEveryMs?: number;
}

/**
 * The node's heartbeat: a Lease named after the node in kube-node-lease, renewed every 10 s.
 * The node lifecycle controller reads renewTime to tell a live node from a dead one; this cheap
 * write is why the Node object itself needs updating only when its status changes.
 */
export class LeaseHeartbeat {
  private readonly clock: Clock;
  private lease: Lease | undefined;
  private cancel: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly opts: LeaseHeartbeatOptions) {
    this.clock = opts.clock ?? realClock;
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.renew()
        .catch((err: unknown) =>
          this.opts.logger?.warn(
            { node: this.opts.nodeName, err: String(err) },
            "lease renewal failed; will retry",
          ),
        )
        .finally(() => {
          if (!this.stopped)
            this.cancel = this.clock.setTimer(tick, this.opts.renewEveryMs ?? LEASE_RENEW_MS);
        });
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
  }

  /** One renewal: update the Lease we hold, creating it when it is missing. */
  async renew(): Promise<Lease> {
    const { client, nodeName } = this.opts;
    for (let attempt = 0; ; attempt++) {
      try {
        if (!this.lease) this.lease = await client.get<Lease>(LEASES, NODE_LEASE_NAMESPACE, nodeName);
        this.lease = await client.update(this.renewed(this.lease));
        return this.lease;
      } catch (err) {
        this.lease = undefined;
        if (isNotFound(err)) {
          this.lease = await client.create(this.renewed(undefined));
          this.opts.logger?.info({ node: nodeName }, "created node lease");
          return this.lease;
        }
        // Someone else wrote it (an old kubelet, a person): re-read and try again.
        if (!isConflict(err) || attempt >= 3) throw err;
      }
    }
  }

  private renewed(lease: Lease | undefined): Lease {
    const { nodeName, nodeUid } = this.opts;
    const base: Lease = lease ?? {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: nodeName, namespace: NODE_LEASE_NAMESPACE },
      spec: {},
    };
    const metadata = { ...base.metadata };
    if (nodeUid && !metadata.ownerReferences?.length) {
      metadata.ownerReferences = [{ apiVersion: "v1", kind: "Node", name: nodeName, uid: nodeUid }];
    }
    return {
      ...base,
      metadata,
      spec: {
        ...base.spec,
        holderIdentity: nodeName,
        leaseDurationSeconds: LEASE_DURATION_SECONDS,
        renewTime: microTime(this.clock.now()),
      },
    };
  }
}

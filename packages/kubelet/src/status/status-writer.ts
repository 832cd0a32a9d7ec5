import {
  isConflict,
  isNotFound,
  type KindInfo,
  kindForApiVersion,
  type Pod,
  type PodStatus,
} from "@minik8s/api";
import { deepEqual } from "@minik8s/api/deep-equal";
import type { Client, Logger } from "@minik8s/client";

export const PODS = kindForApiVersion("v1", "Pod") as KindInfo;

/** How the kubelet talks to the apiserver about pods; tests record it instead. */
export interface PodApi {
  /** Writes `status` through the status subresource unless the pod already shows it. */
  writeStatus(pod: Pod, status: PodStatus): Promise<void>;
  /** The last step of a graceful deletion: DELETE with gracePeriodSeconds=0, for this uid only. */
  confirmDeletion(pod: Pod): Promise<void>;
}

/**
 * Kubernetes' status manager, small: compares with what the pod (or our last write) shows, PUTs
 * pods/NAME/status with the pod's resourceVersion, and on a conflict re-reads and tries again.
 */
export class ApiPodApi implements PodApi {
  private readonly written = new Map<string, PodStatus>();

  constructor(
    private readonly client: Client,
    private readonly log?: Logger,
  ) {}

  async writeStatus(pod: Pod, status: PodStatus): Promise<void> {
    const uid = pod.metadata.uid ?? "";
    if (deepEqual(pod.status, status) || deepEqual(this.written.get(uid), status)) return;
    let target = pod;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.updateStatus<Pod>({ ...target, status });
        break;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt >= 3) throw err;
        target = await this.client.get<Pod>(PODS, pod.metadata.namespace, pod.metadata.name ?? "");
        if (target.metadata.uid !== uid) return;
      }
    }
    this.written.set(uid, status);
    this.log?.debug({ pod: keyOf(pod), phase: status.phase }, "wrote pod status");
  }

  async confirmDeletion(pod: Pod): Promise<void> {
    try {
      await this.client.delete(PODS, pod.metadata.namespace, pod.metadata.name ?? "", {
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid ?? "" },
      });
    } catch (err) {
      // Gone already, or a new pod of the same name: either way ours is no more.
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
    this.written.delete(pod.metadata.uid ?? "");
  }
}

export function keyOf(pod: Pod): string {
  return `${pod.metadata.namespace ?? "default"}/${pod.metadata.name ?? ""}`;
}

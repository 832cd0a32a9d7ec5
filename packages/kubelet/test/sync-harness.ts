import type { Container, Pod, PodSpec, PodStatus } from "@minik8s/api";
import { FakeClock, silentLogger } from "@minik8s/client";
import { SimRuntime } from "../src/runtime/sim-runtime.js";
import type { PodApi } from "../src/status/status-writer.js";
import { type PodAdmitter, PodSyncer, type PodSyncerOptions, type SyncResult } from "../src/sync-pod.js";

let uidSeq = 0;

export function makePod(name: string, spec: Partial<PodSpec> & { containers: Container[] }): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", uid: `uid-${name}-${++uidSeq}`, resourceVersion: "1" },
    spec: { restartPolicy: "Always", terminationGracePeriodSeconds: 30, nodeName: "node-a", ...spec },
    status: { phase: "Pending", qosClass: "BestEffort" },
  };
}

/** A pod API that keeps the statuses written, as the apiserver would. */
export class RecordingPodApi implements PodApi {
  readonly statuses = new Map<string, PodStatus>();
  readonly writes: PodStatus[] = [];
  readonly confirmed: string[] = [];

  async writeStatus(pod: Pod, status: PodStatus): Promise<void> {
    this.statuses.set(pod.metadata.uid!, status);
    this.writes.push(status);
  }

  async confirmDeletion(pod: Pod): Promise<void> {
    this.confirmed.push(pod.metadata.uid!);
  }
}

/** A syncer on the sim runtime and a fake clock; `sync` feeds back the status last written. */
export class SyncHarness {
  readonly clock = new FakeClock();
  readonly sim = new SimRuntime({ clock: this.clock });
  readonly api = new RecordingPodApi();
  readonly syncer: PodSyncer;

  constructor(admitter?: PodAdmitter, extra: Partial<PodSyncerOptions> = {}) {
    this.syncer = new PodSyncer({
      runtime: this.sim,
      runtimeName: "sim",
      api: this.api,
      nodeName: "node-a",
      hostIP: "192.0.2.10",
      clock: this.clock,
      logger: silentLogger,
      admitter,
      ...extra,
    });
  }

  /** The pod as the API now holds it. */
  current(pod: Pod): Pod {
    const status = this.api.statuses.get(pod.metadata.uid!);
    return status ? { ...pod, status } : pod;
  }

  sync(pod: Pod): Promise<SyncResult> {
    return this.syncer.sync(pod.metadata.uid!, this.current(pod));
  }

  status(pod: Pod): PodStatus {
    return this.api.statuses.get(pod.metadata.uid!) ?? {};
  }

  containers(pod: Pod) {
    return this.sim.all().filter((c) => c.labels["io.kubernetes.pod.uid"] === pod.metadata.uid);
  }
}

export const app = (name: string, extra: Partial<Container> = {}): Container => ({
  name,
  image: "minik8s/busybox:1",
  imagePullPolicy: "IfNotPresent",
  ...extra,
});

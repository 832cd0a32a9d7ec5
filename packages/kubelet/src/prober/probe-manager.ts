import type { Pod } from "@minik8s/api";
import type { Clock, EventRecorder, Logger } from "@minik8s/client";
import type { ProbeOutcome } from "./probe-outcome.js";
import { type ObservedContainer, ProbeWorker } from "./probe-worker.js";
import type { ProbeAction, ProbeTarget } from "./prober.js";
import { ProbeResults, type ProbeType } from "./results-cache.js";

export interface ProbeManagerOptions {
  /** Runs one probe action: `Prober.run`, or a fake in tests. */
  run(action: ProbeAction, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome>;
  clock: Clock;
  logger: Logger;
  events?: Pick<EventRecorder, "event"> | undefined;
  /** A verdict changed: sync this pod (kill on liveness failure, write readiness). */
  onPodChanged(podUid: string): void;
}

/** What the probes say about one container instance, for its containerStatus. */
export interface ProbeVerdict {
  /** containerStatuses[].started: the startup probe passed, or there is none. */
  started: boolean;
  /** containerStatuses[].ready: started, and the readiness probe passed or there is none. */
  ready: boolean;
  /** Why it must be killed: its liveness or startup probe failed. */
  failed?: "liveness" | "startup";
}

const TYPES: ProbeType[] = ["startup", "liveness", "readiness"];
const FIELD = { liveness: "livenessProbe", readiness: "readinessProbe", startup: "startupProbe" } as const;

/**
 * Kubernetes' prober.Manager: one worker per container per probe it declares, fed by the pod
 * syncs (`observe`) with the container instance now running, and stopped with the pod. The
 * verdicts live in a results cache keyed by container ID; the sync reads them back
 * (`verdict`) to decide readiness and whether to kill. Only app containers are probed.
 */
export class ProbeManager {
  private readonly workers = new Map<string, Map<string, ProbeWorker>>();
  private readonly results: ProbeResults;

  constructor(private readonly o: ProbeManagerOptions) {
    this.results = new ProbeResults((uid, containerId, type) => {
      // A container that just started is probed for readiness at once, not a period later.
      if (type === "startup" && this.results.get(containerId, "startup") === "success") {
        for (const w of this.workers.get(uid)?.values() ?? []) if (w.type === "readiness") w.trigger();
      }
      o.onPodChanged(uid);
    });
  }

  /** The sync's view of pod `pod`: per container name, the instance now current (or none). */
  observe(pod: Pod, current: Map<string, ObservedContainer | undefined>, podIP: string | undefined): void {
    const uid = pod.metadata.uid ?? "";
    let mine = this.workers.get(uid);
    for (const spec of pod.spec.containers) {
      for (const type of TYPES) {
        const probe = spec[FIELD[type]];
        if (!probe) continue;
        mine ??= new Map();
        this.workers.set(uid, mine);
        const key = `${spec.name}/${type}`;
        let w = mine.get(key);
        if (!w) {
          w = new ProbeWorker(
            type,
            pod,
            spec,
            probe,
            {
              results: this.results,
              run: (a, t, ms) => this.o.run(a, t, ms),
              clock: this.o.clock,
              logger: this.o.logger,
              events: this.o.events,
              started: (id) => !spec.startupProbe || this.results.get(id, "startup") === "success",
            },
            podIP,
          );
          mine.set(key, w);
        }
        w.observe(pod, current.get(spec.name), podIP);
      }
    }
  }

  /** The probes' say on container `name` of `pod`, instance `containerId`. */
  verdict(pod: Pod, name: string, containerId: string): ProbeVerdict {
    const spec = pod.spec.containers.find((c) => c.name === name);
    if (!spec) return { started: true, ready: true };
    const started = !spec.startupProbe || this.results.get(containerId, "startup") === "success";
    // No verdict yet reads as each probe's initial value: not ready, alive.
    const ready =
      started && (!spec.readinessProbe || this.results.get(containerId, "readiness") === "success");
    const failed =
      spec.livenessProbe && this.results.get(containerId, "liveness") === "failure"
        ? "liveness"
        : spec.startupProbe && this.results.get(containerId, "startup") === "failure"
          ? "startup"
          : undefined;
    return { started, ready, ...(failed ? { failed } : {}) };
  }

  /** The pod went away or finished: its workers stop and their verdicts are dropped. */
  removePod(uid: string): void {
    for (const w of this.workers.get(uid)?.values() ?? []) w.stop();
    this.workers.delete(uid);
  }

  /** Pods with probe workers (tests). */
  pods(): string[] {
    return [...this.workers.keys()];
  }

  stop(): void {
    for (const uid of [...this.workers.keys()]) this.removePod(uid);
  }
}

import type { Container, Pod, Probe } from "@minik8s/api";
import type { Clock, EventRecorder, Logger } from "@minik8s/client";
import type { ProbeOutcome } from "./probe-outcome.js";
import type { ProbeAction, ProbeTarget } from "./prober.js";
import type { ProbeResults, ProbeType } from "./results-cache.js";

/** The running instance of a container, as the last sync saw it. */
export interface ObservedContainer {
  id: string;
  running: boolean;
  startedAt?: number | undefined;
}

export interface ProbeWorkerDeps {
  results: ProbeResults;
  run(action: ProbeAction, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome>;
  clock: Clock;
  logger: Logger;
  events?: Pick<EventRecorder, "event"> | undefined;
  /** Whether this container's startup probe passed (true when it has none). */
  started(containerId: string): boolean;
}

/** The words Kubernetes' events use: "Liveness probe failed: ...". */
const TITLE: Record<ProbeType, string> = { liveness: "Liveness", readiness: "Readiness", startup: "Startup" };

/** The verdict a container starts with before its first probe: Kubernetes' initialValue. */
const INITIAL: Record<ProbeType, "success" | "failure" | undefined> = {
  liveness: "success",
  readiness: "failure",
  startup: undefined,
};

/**
 * One probe of one container: Kubernetes' prober worker. The first probe runs
 * initialDelaySeconds after the container started, then one every periodSeconds, each given
 * timeoutSeconds. successThreshold verdicts in a row make it succeed, failureThreshold make it
 * fail; only a changed verdict reaches the results cache. Startup gates the others: liveness and
 * readiness do not probe until the startup probe passed, and startup stops once it has. A
 * failed liveness or startup probe puts the worker on hold until the container is replaced.
 *
 * Where it differs: Kubernetes ticks every period from when the worker starts (so the first
 * probe lands on the first tick after the delay) and adds a random jitter after a kubelet
 * restart; here the first probe is exactly at the delay's end.
 */
export class ProbeWorker {
  private container: ObservedContainer | undefined;
  private lastResult: "success" | "failure" | undefined;
  private resultRun = 0;
  private onHold = false;
  private inFlight = false;
  private stopped = false;
  private cancelTimer: (() => void) | undefined;
  private readonly periodMs: number;
  private readonly timeoutMs: number;

  constructor(
    readonly type: ProbeType,
    private pod: Pod,
    private readonly spec: Container,
    private readonly probe: Probe,
    private readonly deps: ProbeWorkerDeps,
    private podIP: string | undefined,
  ) {
    this.periodMs = Math.max(1, probe.periodSeconds ?? 10) * 1000;
    this.timeoutMs = Math.max(1, probe.timeoutSeconds ?? 1) * 1000;
  }

  /** The sync saw this instance (or none): a new container ID resets the verdict and probes afresh. */
  observe(pod: Pod, container: ObservedContainer | undefined, podIP: string | undefined): void {
    this.pod = pod;
    this.podIP = podIP;
    const uid = pod.metadata.uid ?? "";
    const before = this.container;
    this.container = container;
    if (!container || container.id === before?.id) {
      if (container?.running && !before?.running) this.schedule(0);
      return;
    }
    if (before) this.deps.results.remove(before.id, this.type);
    const initial = INITIAL[this.type];
    if (initial) this.deps.results.set(uid, container.id, this.type, initial);
    this.onHold = false;
    this.lastResult = undefined;
    this.resultRun = 0;
    this.schedule(0);
  }

  /** Probe now rather than at the next period (readiness, once the startup probe passed). */
  trigger(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    if (this.container) this.deps.results.remove(this.container.id, this.type);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.cancelTimer?.();
    this.cancelTimer = this.deps.clock.setTimer(() => {
      this.cancelTimer = undefined;
      void this.tick();
    }, ms);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.inFlight) {
      this.schedule(this.periodMs); // the last probe outlasted its period: skip this one
      return;
    }
    const c = this.container;
    if (!c?.running) return; // observe() wakes it for the next running instance
    this.schedule(this.periodMs);
    if (this.onHold) return;
    const uid = this.pod.metadata.uid ?? "";
    if (this.pod.metadata.deletionTimestamp && this.type !== "readiness") return;
    const sinceStart = this.deps.clock.now() - (c.startedAt ?? 0);
    const delayMs = (this.probe.initialDelaySeconds ?? 0) * 1000;
    if (sinceStart < delayMs) {
      this.schedule(delayMs - sinceStart);
      return;
    }
    const started = this.deps.started(c.id);
    if (this.type === "startup" ? started : !started) return;

    this.inFlight = true;
    let outcome: ProbeOutcome;
    try {
      outcome = await this.deps.run(
        this.probe,
        { container: this.spec, containerId: c.id, podIP: this.podIP },
        this.timeoutMs,
      );
    } catch (err) {
      outcome = { result: "unknown", output: err instanceof Error ? err.message : String(err) };
    } finally {
      this.inFlight = false;
    }
    // The container changed or the worker stopped while probing: this verdict is stale.
    if (this.stopped || this.container?.id !== c.id) return;
    this.record(uid, c.id, outcome);
  }

  private record(uid: string, containerId: string, outcome: ProbeOutcome): void {
    const where = `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
    const title = TITLE[this.type];
    if (outcome.result === "unknown") {
      // Kubernetes throws an errored probe's result away and says so.
      this.deps.logger.warn(
        { pod: where, container: this.spec.name, probe: this.type, err: outcome.output },
        "probe errored",
      );
      this.deps.events?.event(this.pod, "Warning", "Unhealthy", `${title} probe errored: ${outcome.output}`);
      return;
    }
    if (outcome.result === "warning") {
      this.deps.events?.event(
        this.pod,
        "Warning",
        "ProbeWarning",
        `${title} probe warning: ${outcome.output}`,
      );
    }
    const result = outcome.result === "failure" ? "failure" : "success";
    if (result === "failure") {
      this.deps.logger.info(
        { pod: where, container: this.spec.name, probe: this.type, output: outcome.output },
        "probe failed",
      );
      this.deps.events?.event(this.pod, "Warning", "Unhealthy", `${title} probe failed: ${outcome.output}`);
    }
    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    const threshold =
      result === "failure" ? (this.probe.failureThreshold ?? 3) : (this.probe.successThreshold ?? 1);
    if (this.resultRun < threshold) return;
    this.deps.results.set(uid, containerId, this.type, result);
    if (result === "failure" && this.type !== "readiness") {
      // The container will be killed; probing it meanwhile only races the kill.
      this.onHold = true;
      this.resultRun = 0;
    }
  }
}

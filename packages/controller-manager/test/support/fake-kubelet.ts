import { kindForApiVersion } from "@minik8s/api/registry";
import type { Pod } from "@minik8s/api/schemas/core";
import { isNotFound } from "@minik8s/api/status-error";
import { type Client, Informer } from "@minik8s/client";

const PODS = kindForApiVersion("v1", "Pod")!;

export interface FakeKubeletOptions {
  nodeName?: string;
  /** How long a bound pod takes to become Running and Ready. */
  readyDelayMs?: number;
}

/**
 * A stand-in for the scheduler and the kubelet, for controller tests: it binds every pod to
 * one node, then after `readyDelayMs` reports it Running and Ready (unless its image is in
 * `neverReady`, whose pods run but never pass readiness), and confirms deletions at once
 * (DELETE with gracePeriodSeconds=0, as a kubelet does once the containers have stopped).
 */
export class FakeKubelet {
  readonly nodeName: string;
  readyDelayMs: number;
  readonly neverReady = new Set<string>();
  private readonly informer: Informer<Pod>;
  private readonly inFlight = new Set<string>();
  private readonly starting = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly client: Client,
    opts: FakeKubeletOptions = {},
  ) {
    this.nodeName = opts.nodeName ?? "fake-node";
    this.readyDelayMs = opts.readyDelayMs ?? 30;
    this.informer = new Informer<Pod>(client, { resource: PODS });
    this.informer.addEventHandler({
      onAdd: (pod) => this.handle(pod),
      onUpdate: (_old, pod) => this.handle(pod),
    });
  }

  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await this.informer.stop();
  }

  private handle(pod: Pod): void {
    const key = `${pod.metadata.uid}/${pod.metadata.resourceVersion}`;
    if (this.stopped || this.inFlight.has(key)) return;
    const run = async () => {
      if (pod.metadata.deletionTimestamp) return this.confirmDelete(pod);
      if (!pod.spec.nodeName) return this.bind(pod);
      if (pod.status?.phase === "Pending" && !this.starting.has(pod.metadata.uid ?? "")) {
        this.starting.add(pod.metadata.uid ?? "");
        this.later(() => this.start_(pod));
      }
    };
    this.inFlight.add(key);
    run()
      .catch((err) => {
        if (!isNotFound(err))
          process.stderr.write(`fake kubelet: ${pod.metadata.name}: ${(err as Error).message}\n`);
      })
      .finally(() => this.inFlight.delete(key));
  }

  private later(fn: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) fn().catch(() => {});
    }, this.readyDelayMs);
    this.timers.add(timer);
  }

  private async bind(pod: Pod): Promise<void> {
    await this.client.bind(pod.metadata.namespace ?? "default", pod.metadata.name ?? "", this.nodeName);
  }

  private async confirmDelete(pod: Pod): Promise<void> {
    await this.client.delete(PODS, pod.metadata.namespace, pod.metadata.name ?? "", {
      gracePeriodSeconds: 0,
      preconditions: { uid: pod.metadata.uid ?? "" },
    });
  }

  private async start_(pod: Pod): Promise<void> {
    const current = this.informer.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
    if (!current || current.metadata.uid !== pod.metadata.uid || current.metadata.deletionTimestamp) return;
    if (current.status?.phase !== "Pending") return;
    const ready = !pod.spec.containers.some((c) => this.neverReady.has(c.image ?? ""));
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const status = ready ? "True" : "False";
    await this.client.patch(
      PODS,
      pod.metadata.namespace,
      pod.metadata.name ?? "",
      "application/merge-patch+json",
      {
        status: {
          phase: "Running",
          startTime: now,
          podIP: "10.244.0.10",
          conditions: [
            { type: "PodScheduled", status: "True", lastTransitionTime: now },
            { type: "Initialized", status: "True", lastTransitionTime: now },
            { type: "ContainersReady", status, lastTransitionTime: now },
            { type: "Ready", status, lastTransitionTime: now },
          ],
          containerStatuses: pod.spec.containers.map((c) => ({
            name: c.name,
            image: c.image ?? "",
            imageID: "",
            ready,
            restartCount: 0,
            started: true,
            state: { running: { startedAt: now } },
          })),
        },
      },
      { subresource: "status" },
    );
  }
}

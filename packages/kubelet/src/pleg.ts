import type { Clock, Logger } from "@minik8s/client";
import { type ContainerRuntime, LABELS } from "./runtime/container-runtime.js";

/**
 * Kubernetes' Pod Lifecycle Event Generator, by relisting: every period it lists this node's
 * containers, compares each pod's containers and states with the last list, and pokes the
 * worker of every pod whose containers changed (a crash, an exit, a container removed by hand).
 * The first relist reports every pod found: that is how a restarted kubelet adopts them.
 */
export class RelistPleg {
  private last = new Map<string, string>();
  private cancel: (() => void) | undefined;
  private stopped = true;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly nodeName: string,
    private readonly onPodChanged: (uid: string) => void,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly periodMs = 1_000,
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.relist()
        .catch((err: unknown) => this.log.warn({ err: String(err) }, "relisting containers failed"))
        .finally(() => {
          if (!this.stopped) this.cancel = this.clock.setTimer(tick, this.periodMs);
        });
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
  }

  async relist(): Promise<void> {
    const all = await this.runtime.list({ [LABELS.node]: this.nodeName });
    const now = new Map<string, string[]>();
    for (const c of all) {
      const uid = c.labels[LABELS.podUid];
      if (!uid) continue;
      now.set(uid, [...(now.get(uid) ?? []), `${c.id}:${c.state}`]);
    }
    const next = new Map([...now].map(([uid, list]) => [uid, list.sort().join(",")]));
    for (const [uid, print] of next) if (this.last.get(uid) !== print) this.onPodChanged(uid);
    for (const uid of this.last.keys()) if (!next.has(uid)) this.onPodChanged(uid);
    this.last = next;
  }
}

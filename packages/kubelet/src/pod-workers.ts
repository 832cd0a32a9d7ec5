import type { Clock, Logger } from "@minik8s/client";
import type { SyncResult } from "./sync-pod.js";

interface Worker {
  running: boolean;
  /** An update arrived while syncing: sync once more when done. */
  again: boolean;
  cancelTimer: (() => void) | undefined;
  failures: number;
}

const ERROR_BACKOFF_MS = 1_000;
const ERROR_BACKOFF_MAX_MS = 30_000;

/**
 * One worker per pod, Kubernetes' podWorkers: syncs of one pod never overlap, syncs of
 * different pods run side by side. Updates that arrive during a sync fold into one more sync
 * (the sync reads the latest desired state itself, so nothing is lost). A sync that asks to be
 * called again later (a back-off ending) gets a timer; one that throws is retried with
 * exponential backoff.
 */
export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly syncPod: (uid: string) => Promise<SyncResult>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Sync pod `uid` now (or right after the sync in progress). */
  enqueue(uid: string): void {
    if (this.stopped) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = { running: false, again: false, cancelTimer: undefined, failures: 0 };
      this.workers.set(uid, w);
    }
    w.cancelTimer?.();
    w.cancelTimer = undefined;
    if (w.running) w.again = true;
    else void this.run(uid, w);
  }

  /** Pods with a worker: syncing, queued or waiting on a timer. */
  uids(): string[] {
    return [...this.workers.keys()];
  }

  /** Resolves once no sync runs (timers may still be pending). */
  idle(): Promise<void> {
    if (![...this.workers.values()].some((w) => w.running)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** No new syncs; resolves when the running ones are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.workers.values()) w.cancelTimer?.();
    await this.idle();
  }

  private async run(uid: string, w: Worker): Promise<void> {
    w.running = true;
    let result: SyncResult = {};
    do {
      w.again = false;
      try {
        result = await this.syncPod(uid);
        w.failures = 0;
      } catch (err) {
        const delay = Math.min(ERROR_BACKOFF_MS * 2 ** w.failures, ERROR_BACKOFF_MAX_MS);
        w.failures++;
        this.log.warn({ uid, err: errorText(err), retryInMs: delay }, "pod sync failed; will retry");
        result = { requeueAfterMs: delay };
      }
    } while (w.again && !this.stopped);
    w.running = false;
    if (result.requeueAfterMs !== undefined && !this.stopped) {
      w.cancelTimer = this.clock.setTimer(() => {
        w.cancelTimer = undefined;
        this.enqueue(uid);
      }, result.requeueAfterMs);
    } else {
      this.workers.delete(uid);
    }
    if (![...this.workers.values()].some((x) => x.running)) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

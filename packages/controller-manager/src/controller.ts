import { type Clock, type Logger, runWorkers, WorkQueue } from "@minik8s/client";

/**
 * A control loop. Construction registers its event handlers on the shared informers; `run`
 * takes keys from its queue until `signal` aborts. Every controller here is one of these.
 */
export interface Controller {
  readonly name: string;
  run(workers: number, signal: AbortSignal): Promise<void>;
}

/**
 * The pattern every controller follows: handlers put keys on `queue`, workers call `reconcile`
 * one key at a time (never the same key twice at once), a failure is retried with backoff.
 */
export abstract class QueueController implements Controller {
  readonly queue: WorkQueue<string>;

  /** `clock` times delayed keys (`queue.addAfter`) and retries: a FakeClock in tests. */
  constructor(
    readonly name: string,
    protected readonly log: Logger,
    clock?: Clock,
  ) {
    this.queue = new WorkQueue<string>(clock ? { clock } : {});
  }

  /** Compares desired with actual for one key and makes the smallest change; throws to retry. */
  abstract reconcile(key: string): Promise<void>;

  enqueue(key: string): void {
    this.queue.add(key);
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const stop = () => this.queue.shutdown();
    signal.addEventListener("abort", stop, { once: true });
    this.log.info({ controller: this.name, workers }, "controller started");
    try {
      await runWorkers(this.queue, workers, (key) => this.reconcile(key), this.log);
    } finally {
      signal.removeEventListener("abort", stop);
      this.log.info({ controller: this.name }, "controller stopped");
    }
  }
}

import { isConflict } from "@minik8s/api/status-error";
import { type Logger, silentLogger } from "./logger.js";
import type { WorkQueue } from "./work-queue.js";

/**
 * The controller loop, `n` times over: take a key, reconcile it, and on failure requeue it with
 * backoff, else forget its failures; always mark it done. A 409 Conflict is routine (someone
 * wrote first; the cache will catch up) and is logged quietly. Resolves when the queue is shut
 * down and every worker has returned.
 */
export async function runWorkers<K>(
  queue: WorkQueue<K>,
  workers: number,
  reconcile: (key: K) => Promise<void>,
  log: Logger = silentLogger,
): Promise<void> {
  const worker = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await reconcile(key);
        queue.forget(key);
      } catch (err) {
        const fields = { key: String(key), requeues: queue.numRequeues(key), err: (err as Error).message };
        if (isConflict(err)) log.info(fields, "conflict; requeued to retry on fresh state");
        else log.error(fields, "reconcile failed; requeued with backoff");
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
}

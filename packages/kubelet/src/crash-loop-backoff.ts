import type { Clock } from "@minik8s/client";

export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 5 * 60_000;
/** A container that ran this long before it exited starts over at 10 s. */
export const BACKOFF_RESET_AFTER_MS = 10 * 60_000;

/**
 * Restart backoff per container (and per image pull): 10 s, 20 s, 40 s ... capped at 5 min,
 * forgotten once the container had run 10 minutes. Kubernetes keeps it in flowcontrol.Backoff
 * keyed the same way; there the very first crash restarts at once, here every restart waits,
 * which is the sequence its documentation describes (10 s, 20 s, 40 s ...).
 */
export class CrashLoopBackoff {
  private readonly delays = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly initialMs = BACKOFF_INITIAL_MS,
    private readonly maxMs = BACKOFF_MAX_MS,
  ) {}

  /**
   * When a restart of `key`, which failed at `failedAt` after running since `startedAt`, may
   * happen: `{ wait: 0 }` means now; otherwise the ms left and the whole delay (for the message).
   */
  check(key: string, failedAt: number, startedAt?: number): { wait: number; delay: number } {
    if (startedAt !== undefined && failedAt - startedAt >= BACKOFF_RESET_AFTER_MS) this.delays.delete(key);
    const delay = this.delays.get(key) ?? this.initialMs;
    return { wait: Math.max(0, failedAt + delay - this.clock.now()), delay };
  }

  /** Records a restart: the next failure of `key` waits twice as long. */
  restarted(key: string): void {
    const delay = this.delays.get(key) ?? this.initialMs;
    this.delays.set(key, Math.min(delay * 2, this.maxMs));
  }

  /** Forgets every key that starts with `prefix` (a pod that went away). */
  forget(prefix: string): void {
    for (const key of this.delays.keys()) if (key.startsWith(prefix)) this.delays.delete(key);
  }
}

/**
 * Exponential backoff with jitter for retry loops (the reflector's re-list and re-watch):
 * client-go's wait.Backoff. Each failure doubles the wait up to `maxMs`; `reset()` after a success.
 */
export class Backoff {
  private current: number;

  constructor(
    private readonly initialMs = 800,
    private readonly maxMs = 30_000,
    private readonly jitter = 0.1,
    private readonly random: () => number = Math.random,
  ) {
    this.current = initialMs;
  }

  next(): number {
    const wait = this.current;
    this.current = Math.min(this.current * 2, this.maxMs);
    return wait + wait * this.jitter * this.random();
  }

  reset(): void {
    this.current = this.initialMs;
  }
}

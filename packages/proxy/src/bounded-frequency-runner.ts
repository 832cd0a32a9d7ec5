export interface BoundedFrequencyOptions {
  /** At least this long between two runs once the burst is spent (kube-proxy's --iptables-min-sync-period). */
  minIntervalMs: number;
  /** Runs this often even when nobody asks (kube-proxy's --iptables-sync-period); 0: never. */
  maxIntervalMs: number;
  /** Runs allowed back to back before minIntervalMs applies. */
  burst: number;
  onError?: (err: unknown) => void;
}

/**
 * kube-proxy's BoundedFrequencyRunner: `run()` asks for a sync; asks that arrive while one is
 * waiting or running fold into one more run. A token bucket (burst, one token per minInterval)
 * bounds how often the function runs, and a timer makes it run at least every maxInterval.
 */
export class BoundedFrequencyRunner {
  private tokens: number;
  private lastRefill = Date.now();
  private wanted = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private stopped = true;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly fn: () => Promise<void>,
    private readonly opts: BoundedFrequencyOptions,
  ) {
    this.tokens = opts.burst;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.opts.maxIntervalMs > 0) {
      this.periodic = setInterval(() => this.run(), this.opts.maxIntervalMs);
      this.periodic.unref();
    }
  }

  /** Stops the timers and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.periodic);
    this.timer = undefined;
    this.wanted = false;
    if (this.running) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Asks for a run as soon as the bounds allow. */
  run(): void {
    if (this.stopped) return;
    this.wanted = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.running || this.timer || !this.wanted || this.stopped) return;
    this.refill();
    const wait = this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.opts.minIntervalMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runNow();
    }, wait);
  }

  private refill(): void {
    const now = Date.now();
    if (this.opts.minIntervalMs <= 0) this.tokens = this.opts.burst;
    else
      this.tokens = Math.min(
        this.opts.burst,
        this.tokens + (now - this.lastRefill) / this.opts.minIntervalMs,
      );
    this.lastRefill = now;
  }

  private async runNow(): Promise<void> {
    if (this.stopped || !this.wanted) return;
    this.refill();
    this.tokens -= 1;
    this.wanted = false;
    this.running = true;
    try {
      await this.fn();
    } catch (err) {
      this.opts.onError?.(err);
    } finally {
      this.running = false;
      for (const wake of this.idleWaiters.splice(0)) wake();
      this.schedule();
    }
  }
}

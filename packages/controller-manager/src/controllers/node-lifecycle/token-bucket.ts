import type { Clock } from "@minik8s/client";

/**
 * A token bucket that never blocks: `tryTake` spends a token if one is there, `msUntilToken`
 * says when the next one will be (client-go's flowcontrol TokenBucketRateLimiter.TryAccept, which
 * Kubernetes' node eviction queues use). The client's BucketRateLimiter reserves tokens ahead
 * instead, which suits a retry queue but not a "now or later" decision.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** 0 when a token is there; Infinity when the rate is 0. */
  msUntilToken(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    if (this.qps <= 0) return Number.POSITIVE_INFINITY;
    return Math.ceil(((1 - this.tokens) / this.qps) * 1000);
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }
}

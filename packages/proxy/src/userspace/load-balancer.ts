import type { Endpoint } from "../service-map.js";

interface Sticky {
  endpoint: Endpoint;
  lastUsed: number;
}

/**
 * The userspace proxy's choice of endpoint, like kube-proxy's LoadBalancerRR: round-robin over
 * the ready endpoints; with ClientIP affinity a client keeps the endpoint it got until it has
 * been idle for the affinity timeout or the endpoint goes away.
 */
export class RoundRobin {
  private endpoints: Endpoint[] = [];
  private next = 0;
  private affinitySeconds = 0;
  private readonly sticky = new Map<string, Sticky>();

  constructor(private readonly now: () => number = Date.now) {}

  update(endpoints: Endpoint[], affinitySeconds: number): void {
    const same =
      endpoints.length === this.endpoints.length &&
      endpoints.every((e, i) => e.ip === this.endpoints[i]?.ip && e.port === this.endpoints[i]?.port);
    this.endpoints = [...endpoints];
    this.affinitySeconds = affinitySeconds;
    if (!same) this.next = 0;
    const live = new Set(endpoints.map((e) => `${e.ip}:${e.port}`));
    for (const [client, s] of this.sticky) {
      if (affinitySeconds === 0 || !live.has(`${s.endpoint.ip}:${s.endpoint.port}`))
        this.sticky.delete(client);
    }
  }

  get size(): number {
    return this.endpoints.length;
  }

  /** The endpoint for a new connection from `clientIp`; undefined when there is none. */
  pick(clientIp: string | undefined): Endpoint | undefined {
    if (this.endpoints.length === 0) return undefined;
    const now = this.now();
    if (this.affinitySeconds > 0 && clientIp) {
      const s = this.sticky.get(clientIp);
      if (s && now - s.lastUsed < this.affinitySeconds * 1000) {
        s.lastUsed = now;
        return s.endpoint;
      }
    }
    const endpoint = this.endpoints[this.next % this.endpoints.length] as Endpoint;
    this.next = (this.next + 1) % this.endpoints.length;
    if (this.affinitySeconds > 0 && clientIp) this.sticky.set(clientIp, { endpoint, lastUsed: now });
    return endpoint;
  }

  /** Forgets a client's endpoint after it failed, so the next pick moves on. */
  forget(clientIp: string | undefined): void {
    if (clientIp) this.sticky.delete(clientIp);
  }
}

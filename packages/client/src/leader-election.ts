import type { Lease, LeaseSpec } from "@minik8s/api/schemas/coordination";
import { isAlreadyExists, isConflict, isNotFound } from "@minik8s/api/status-error";
import { microTime } from "@minik8s/api/time";
import { type Clock, realClock, sleep } from "./clock.js";
import type { ResourceRef } from "./kube-object.js";
import { type Logger, silentLogger } from "./logger.js";
import type { Client } from "./rest-client.js";

const LEASES: ResourceRef = {
  group: "coordination.k8s.io",
  version: "v1",
  plural: "leases",
  namespaced: true,
  kind: "Lease",
};

export interface LeaderElectionOptions {
  client: Client;
  /** The Lease that is the lock, e.g. `kube-system/kube-scheduler`. */
  namespace?: string;
  name: string;
  /** Who we are: unique per process (hostname plus a random suffix is usual). */
  identity: string;
  /** How long others wait after the last renewal they saw before taking over. Default 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps retrying a failing renewal before it steps down. Default 10 s. */
  renewDeadlineMs?: number;
  /** How often candidates try and the leader renews. Default 2 s. */
  retryPeriodMs?: number;
  /** Leadership begins; `signal` aborts when it ends. Start the controllers here. */
  onStartedLeading?: (signal: AbortSignal) => void | Promise<void>;
  /** Leadership ended (lost or released). Stop acting at once. */
  onStoppedLeading?: () => void;
  /** Someone (maybe us) is now seen holding the lease. */
  onNewLeader?: (identity: string) => void;
  /** On stop, clear the holder so a successor need not wait for the lease to expire. Default true. */
  releaseOnStop?: boolean;
  clock?: Clock;
  logger?: Logger;
}

/**
 * client-go's LeaderElector over a coordination.k8s.io/v1 Lease. The API's compare-and-swap is
 * the whole algorithm: every candidate reads the Lease and writes itself in as holder with the
 * resourceVersion it read; the apiserver lets exactly one such write through, the others get
 * 409 and try again next period. The holder renews every period. A Lease counts as expired when
 * it has not *changed* for leaseDuration by our own clock (never by comparing with the holder's
 * timestamps, which would trust its clock).
 */
export class LeaderElector {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly namespace: string;
  private observedSpec = "";
  private observedTime = 0;
  private observedDurationMs = 0;
  private observedHolder = "";
  private reportedLeader = "";
  private leading = false;
  private leadership: AbortController | undefined;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly opts: LeaderElectionOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? silentLogger;
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    this.namespace = opts.namespace ?? "kube-system";
    if (this.renewDeadlineMs >= this.leaseDurationMs) {
      throw new Error("leader election: renewDeadline must be shorter than leaseDuration");
    }
  }

  private get lease(): string {
    return `${this.namespace}/${this.opts.name}`;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder last seen in the Lease ("" when none). */
  getLeader(): string {
    return this.observedHolder;
  }

  /** Starts campaigning; returns at once. */
  start(): void {
    if (this.controller) return;
    this.controller = new AbortController();
    this.running = this.campaign(this.controller.signal);
  }

  /** Stops: steps down (releasing the Lease unless told not to) and resolves when done. */
  async stop(): Promise<void> {
    if (!this.controller) return;
    this.controller.abort();
    await this.running;
    this.controller = undefined;
    this.running = undefined;
  }

  private async campaign(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.tryAcquireOrRenew())) {
        await sleep(this.clock, this.retryPeriodMs, signal);
        continue;
      }
      this.startLeading();
      await this.renewWhileLeading(signal);
      if (signal.aborted) {
        if (this.opts.releaseOnStop !== false) await this.release();
      }
      this.stopLeading();
    }
  }

  /** Renews every period; returns when a renewal could not succeed within renewDeadline, or on stop. */
  private async renewWhileLeading(signal: AbortSignal): Promise<void> {
    let lastRenewed = this.clock.now();
    while (!signal.aborted) {
      await sleep(this.clock, this.retryPeriodMs, signal);
      if (signal.aborted) return;
      if (await this.tryAcquireOrRenew()) {
        lastRenewed = this.clock.now();
        continue;
      }
      if (this.observedHolder !== this.opts.identity && this.observedHolder !== "") {
        this.log.warn(
          { lease: this.lease, holder: this.observedHolder },
          "another holder took the lease; stepping down",
        );
        return;
      }
      if (this.clock.now() - lastRenewed >= this.renewDeadlineMs) {
        this.log.warn(
          { lease: this.lease, renewDeadlineMs: this.renewDeadlineMs },
          "could not renew in time; stepping down",
        );
        return;
      }
    }
  }

  /** One round: true when we hold the lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, name, identity } = this.opts;
    const now = this.clock.now();
    let lease: Lease;
    try {
      lease = await client.get<Lease>(LEASES, this.namespace, name);
    } catch (err) {
      if (!isNotFound(err)) {
        this.log.warn({ lease: this.lease, err: (err as Error).message }, "cannot read the lease");
        return false;
      }
      return this.create(now);
    }
    this.observe(lease.spec ?? {}, now);

    const holder = lease.spec?.holderIdentity ?? "";
    if (holder !== "" && holder !== identity && now < this.observedTime + this.observedDurationMs) {
      return false;
    }
    const spec: LeaseSpec = {
      ...lease.spec,
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      renewTime: microTime(now),
    };
    if (holder !== identity) {
      spec.acquireTime = microTime(now);
      spec.leaseTransitions = (lease.spec?.leaseTransitions ?? 0) + 1;
      this.log.info({ lease: this.lease, previous: holder || "(none)", identity }, "taking over the lease");
    }
    try {
      const updated = await client.update<Lease>({ ...lease, spec });
      this.observe(updated.spec ?? spec, now);
      return true;
    } catch (err) {
      if (isConflict(err)) {
        this.log.debug({ lease: this.lease, identity }, "lost the race for the lease this round (409)");
      } else {
        this.log.warn({ lease: this.lease, err: (err as Error).message }, "cannot write the lease");
      }
      return false;
    }
  }

  private async create(now: number): Promise<boolean> {
    const spec: LeaseSpec = {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    try {
      const created = await this.opts.client.create<Lease>({
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: this.opts.name, namespace: this.namespace },
        spec,
      });
      this.log.info({ lease: this.lease, identity: this.opts.identity }, "created the lease; leading");
      this.observe(created.spec ?? spec, now);
      return true;
    } catch (err) {
      if (!isAlreadyExists(err) && !isConflict(err)) {
        this.log.warn({ lease: this.lease, err: (err as Error).message }, "cannot create the lease");
      }
      return false;
    }
  }

  /** Notes when the lease last changed, by our clock: the basis of the expiry decision. */
  private observe(spec: LeaseSpec, now: number): void {
    const text = JSON.stringify([
      spec.holderIdentity,
      spec.renewTime,
      spec.acquireTime,
      spec.leaseDurationSeconds,
    ]);
    if (text !== this.observedSpec) {
      this.observedSpec = text;
      this.observedTime = now;
    }
    this.observedDurationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
    this.observedHolder = spec.holderIdentity ?? "";
    if (this.observedHolder === "") this.reportedLeader = "";
    if (this.observedHolder !== "" && this.observedHolder !== this.reportedLeader) {
      this.reportedLeader = this.observedHolder;
      this.log.info({ lease: this.lease, leader: this.observedHolder }, "new leader observed");
      this.callback("onNewLeader", () => this.opts.onNewLeader?.(this.observedHolder));
    }
  }

  /** Clears the holder so that candidates take over on their next try instead of after expiry. */
  private async release(): Promise<void> {
    try {
      const lease = await this.opts.client.get<Lease>(LEASES, this.namespace, this.opts.name);
      if (lease.spec?.holderIdentity !== this.opts.identity) return;
      const now = this.clock.now();
      await this.opts.client.update<Lease>({
        ...lease,
        spec: { ...lease.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: microTime(now) },
      });
      this.observedHolder = "";
      this.log.info({ lease: this.lease, identity: this.opts.identity }, "released the lease");
    } catch (err) {
      this.log.warn(
        { lease: this.lease, err: (err as Error).message },
        "cannot release the lease; it will expire",
      );
    }
  }

  private startLeading(): void {
    this.leading = true;
    this.leadership = new AbortController();
    this.log.info({ lease: this.lease, identity: this.opts.identity }, "started leading");
    const signal = this.leadership.signal;
    this.callback("onStartedLeading", () => {
      const result = this.opts.onStartedLeading?.(signal);
      if (result) {
        result.catch((err: unknown) =>
          this.log.error({ lease: this.lease, err: (err as Error).message }, "onStartedLeading failed"),
        );
      }
    });
  }

  private stopLeading(): void {
    if (!this.leading) return;
    this.leading = false;
    this.leadership?.abort();
    this.leadership = undefined;
    this.log.info({ lease: this.lease, identity: this.opts.identity }, "stopped leading");
    this.callback("onStoppedLeading", () => this.opts.onStoppedLeading?.());
  }

  private callback(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error(
        { lease: this.lease, callback: what, err: (err as Error).message },
        "leader election callback threw",
      );
    }
  }
}

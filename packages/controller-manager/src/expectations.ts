import { type Clock, realClock } from "@minik8s/client";

/** Kubernetes' ExpectationsTimeout: an expectation no event ever satisfied is dropped after this. */
export const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Expectation {
  adds: number;
  deletes: Set<string>;
  at: number;
}

/**
 * Kubernetes' ControllerExpectations (UIDTrackingControllerExpectations for deletes). After a
 * controller creates n pods it must not act on its cache until the n creations show up there,
 * or it would see too few pods and create them again. `expectCreations` records the debt, the
 * pod informer pays it back (`creationObserved`), and `satisfied` tells reconcile whether the
 * cache can be trusted. Deletes are tracked by pod key, so a delete seen twice counts once.
 *
 * This is the one piece of controller state not in the API, and it is safe to lose: a restarted
 * controller starts with none, and its fresh informer already holds every pod.
 */
export class Expectations {
  private readonly items = new Map<string, Expectation>();

  constructor(private readonly clock: Clock = realClock) {}

  expectCreations(key: string, count: number): void {
    const e = this.entry(key);
    e.adds += count;
  }

  expectDeletions(key: string, podKeys: readonly string[]): void {
    const e = this.entry(key);
    for (const podKey of podKeys) e.deletes.add(podKey);
  }

  creationObserved(key: string): void {
    const e = this.items.get(key);
    if (e && e.adds > 0) e.adds--;
  }

  deletionObserved(key: string, podKey: string): void {
    this.items.get(key)?.deletes.delete(podKey);
  }

  /** True when nothing is outstanding (or what is has expired): reconcile may count pods. */
  satisfied(key: string): boolean {
    const e = this.items.get(key);
    if (!e) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return this.clock.now() - e.at > EXPECTATIONS_TTL_MS;
  }

  /** Forgets a key: its owner is gone. */
  delete(key: string): void {
    this.items.delete(key);
  }

  pending(key: string): { adds: number; deletes: number } {
    const e = this.items.get(key);
    return { adds: e?.adds ?? 0, deletes: e?.deletes.size ?? 0 };
  }

  /** Starting new expectations resets the clock, as Kubernetes' SetExpectations does. */
  private entry(key: string): Expectation {
    let e = this.items.get(key);
    if (!e || this.satisfied(key)) {
      e = { adds: 0, deletes: new Set(), at: this.clock.now() };
      this.items.set(key, e);
    }
    e.at = this.clock.now();
    return e;
  }
}

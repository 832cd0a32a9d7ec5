import type { Endpoints, Service } from "@minik8s/api";
import { buildServiceMap, type ServiceMap, type ServicePort, sameServicePort } from "./service-map.js";

/** Where the tracker reads the current objects: the informers' caches. */
export interface ServiceSource {
  service(namespace: string, name: string): Service | undefined;
  endpoints(namespace: string, name: string): Endpoints | undefined;
}

export interface TrackedChanges {
  /** The whole desired state after the pending changes. */
  map: ServiceMap;
  /** Service port keys added, changed or removed since the last `apply`. */
  changed: Set<string>;
}

/**
 * kube-proxy's ServiceChangeTracker and EndpointsChangeTracker in one: informer handlers record
 * which services (`namespace/name`) changed; a sync recomputes only those, so a sync's cost
 * follows what changed rather than how many services exist.
 */
export class ChangeTracker {
  private readonly pending = new Set<string>();
  private readonly current: ServiceMap = new Map();
  /** `namespace/name` -> the keys of its ports in `current`. */
  private readonly portsOf = new Map<string, string[]>();

  constructor(private readonly source: ServiceSource) {}

  /** A Service or its Endpoints changed (or appeared, or went away). */
  touch(namespace: string, name: string): void {
    this.pending.add(`${namespace}/${name}`);
  }

  hasPending(): boolean {
    return this.pending.size > 0;
  }

  apply(): TrackedChanges {
    const changed = new Set<string>();
    for (const id of this.pending) {
      const slash = id.indexOf("/");
      const namespace = id.slice(0, slash);
      const name = id.slice(slash + 1);
      const svc = this.source.service(namespace, name);
      const next = buildServiceMap(svc ? [svc] : [], (ns, n) => this.source.endpoints(ns, n));
      for (const key of this.portsOf.get(id) ?? []) {
        if (!next.has(key)) {
          this.current.delete(key);
          changed.add(key);
        }
      }
      for (const [key, port] of next) {
        const before = this.current.get(key);
        if (!before || !sameServicePort(before, port)) changed.add(key);
        this.current.set(key, port);
      }
      if (next.size > 0) this.portsOf.set(id, [...next.keys()]);
      else this.portsOf.delete(id);
    }
    this.pending.clear();
    return { map: this.current, changed };
  }

  /** The service ports as of the last `apply`. */
  get map(): ReadonlyMap<string, ServicePort> {
    return this.current;
  }
}

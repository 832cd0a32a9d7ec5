import type { Container, Pod } from "@minik8s/api";
import { Quantity } from "@minik8s/api/quantity";

/**
 * A pod's effective requests, as Kubernetes' resource helpers compute them: app containers and
 * sidecars (init containers with restartPolicy Always) run together and add up; a plain init
 * container runs alone, next to the sidecars started before it; the pod needs the larger of the two
 * at each resource, plus `spec.overhead`. Values are in the scheduler's units: millicores for cpu,
 * whole units (bytes, devices) for everything else.
 */

export const DEFAULT_MILLI_CPU_REQUEST = 100n;
export const DEFAULT_MEMORY_REQUEST = 200n * 1024n * 1024n;

type Quantities = Map<string, Quantity>;

export interface PodRequestOptions {
  /**
   * Fill a container's missing cpu/memory request with 100m/200Mi, as Kubernetes does for scoring
   * only (so best-effort pods do not all land on one node); never for fitting.
   */
  nonZero?: boolean;
}

/** The scheduler's unit for a resource: millicores for cpu, whole units for the rest. */
export function toSchedulerUnits(resource: string, q: Quantity): bigint {
  return resource === "cpu" ? q.milliValue() : q.value();
}

function containerRequests(c: Container, opts: PodRequestOptions): Quantities {
  const out: Quantities = new Map();
  for (const [name, text] of Object.entries(c.resources?.requests ?? {})) out.set(name, Quantity.parse(text));
  if (opts.nonZero) {
    if (!out.has("cpu")) out.set("cpu", Quantity.fromMilli(DEFAULT_MILLI_CPU_REQUEST));
    if (!out.has("memory")) out.set("memory", Quantity.fromValue(DEFAULT_MEMORY_REQUEST));
  }
  return out;
}

function addInto(into: Quantities, more: Quantities): void {
  for (const [name, q] of more) into.set(name, (into.get(name) ?? Quantity.zero).add(q));
}

function maxInto(into: Quantities, other: Quantities): void {
  for (const [name, q] of other) {
    const have = into.get(name);
    if (!have || q.cmp(have) > 0) into.set(name, q);
  }
}

/** Resource name → amount in scheduler units; resources requested at zero are kept (as zero). */
export function podRequests(pod: Pod, opts: PodRequestOptions = {}): Record<string, bigint> {
  const total: Quantities = new Map();
  for (const c of pod.spec.containers) addInto(total, containerRequests(c, opts));

  const sidecars: Quantities = new Map();
  const initPeak: Quantities = new Map();
  for (const c of pod.spec.initContainers ?? []) {
    const own = containerRequests(c, opts);
    if (c.restartPolicy === "Always") {
      addInto(total, own);
      addInto(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      const alongside: Quantities = new Map(sidecars);
      addInto(alongside, own);
      maxInto(initPeak, alongside);
    }
  }
  maxInto(total, initPeak);

  for (const [name, text] of Object.entries(pod.spec.overhead ?? {})) {
    total.set(name, (total.get(name) ?? Quantity.zero).add(Quantity.parse(text)));
  }

  const out: Record<string, bigint> = {};
  for (const [name, q] of total) out[name] = toSchedulerUnits(name, q);
  return out;
}

const CYCLE_REQUESTS = "framework/podRequests";
const CYCLE_NON_ZERO_REQUESTS = "framework/podNonZeroRequests";

/**
 * `podRequests` once per scheduling cycle: NodeResourcesFit, BalancedAllocation and GPUBinPacking
 * all need the pod's requests, and parsing quantities is the costly part. Kept in CycleState as
 * kube-scheduler keeps its preFilterState; callers only read the record.
 */
export function cycleRequests(
  state: Map<string, unknown>,
  pod: Pod,
  opts: PodRequestOptions = {},
): Readonly<Record<string, bigint>> {
  const key = opts.nonZero ? CYCLE_NON_ZERO_REQUESTS : CYCLE_REQUESTS;
  let req = state.get(key) as Record<string, bigint> | undefined;
  if (!req) {
    req = podRequests(pod, opts);
    state.set(key, req);
  }
  return req;
}

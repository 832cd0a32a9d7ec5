import { Quantity } from "./quantity.js";

interface ContainerResources {
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
}

export type QosClass = "Guaranteed" | "Burstable" | "BestEffort";

function same(a: string | number, b: string | number): boolean {
  try {
    return Quantity.parse(a).cmp(Quantity.parse(b)) === 0;
  } catch {
    return String(a) === String(b);
  }
}

/**
 * A pod's quality-of-service class, as Kubernetes computes it: Guaranteed when every container
 * has cpu and memory limits equal to its requests (a missing request defaults to the limit),
 * BestEffort when no container asks for anything, Burstable otherwise. The apiserver sets it at
 * creation; the kubelet reports it in the pod's status.
 */
export function qosClass(containers: readonly ContainerResources[]): QosClass {
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const r of ["cpu", "memory"]) {
      const limit = limits[r];
      if (limit === undefined || !same(requests[r] ?? limit, limit)) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

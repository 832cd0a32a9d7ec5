import type { Node } from "@minik8s/api/schemas/core";

export type ZoneState = "Normal" | "PartialDisruption" | "FullDisruption";

const ZONE_LABEL = "topology.kubernetes.io/zone";
const REGION_LABEL = "topology.kubernetes.io/region";

/** A node's failure zone: region and zone labels together ("" for nodes with neither). */
export function zoneOf(node: Node): string {
  const labels = node.metadata.labels ?? {};
  const region = labels[REGION_LABEL] ?? "";
  const zone = labels[ZONE_LABEL] ?? "";
  return region || zone ? `${region}/${zone}` : "";
}

/**
 * Kubernetes' ComputeZoneState: no ready node at all is a full disruption; more than two not
 * ready and at least `threshold` of the zone (--unhealthy-zone-threshold, 0.55) a partial one.
 */
export function zoneState(ready: number, notReady: number, threshold: number): ZoneState {
  if (ready === 0 && notReady > 0) return "FullDisruption";
  if (notReady > 2 && notReady / (ready + notReady) >= threshold) return "PartialDisruption";
  return "Normal";
}

/** The state of every zone, from whether each node's Ready condition is True. */
export function zoneStates(
  nodes: readonly Node[],
  isReady: (node: Node) => boolean,
  threshold: number,
): Map<string, ZoneState> {
  const counts = new Map<string, { ready: number; notReady: number }>();
  for (const node of nodes) {
    const zone = zoneOf(node);
    const c = counts.get(zone) ?? { ready: 0, notReady: 0 };
    if (isReady(node)) c.ready++;
    else c.notReady++;
    counts.set(zone, c);
  }
  const states = new Map<string, ZoneState>();
  for (const [zone, c] of counts) states.set(zone, zoneState(c.ready, c.notReady, threshold));
  return states;
}

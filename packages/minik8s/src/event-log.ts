import { kindForApiVersion } from "@minik8s/api/registry";
import type { Event } from "@minik8s/api/schemas/core";
import { type Client, Informer } from "@minik8s/client";

const EVENTS = kindForApiVersion("v1", "Event")!;

/**
 * After `up` has started, one readable line per cluster Event — what `kubectl get events -w`
 * shows: each decision a component made (Scheduled, Pulled, Started, ScalingReplicaSet, Killing,
 * Unhealthy ...), with the object it concerns. Events seen before the start are not replayed;
 * a repeated Event (its count goes up) prints again.
 */
export function startEventLog(client: Client, write: (line: string) => void): () => Promise<void> {
  const informer = new Informer<Event>(client, { resource: EVENTS });
  let live = false;
  const print = (e: Event) => {
    if (!live) return;
    const o = e.involvedObject;
    const what = `${(o.kind ?? "").toLowerCase()}/${o.name ?? ""}`;
    const where = o.namespace ? `${o.namespace} ` : "";
    const count = (e.count ?? 1) > 1 ? ` (x${e.count})` : "";
    const time = new Date().toTimeString().slice(0, 8);
    write(
      `${time}  ${(e.type ?? "Normal").padEnd(7)} ${(e.reason ?? "").padEnd(18)} ${where}${what}: ${e.message ?? ""}${count}\n`,
    );
  };
  informer.addEventHandler({
    onAdd: print,
    onUpdate: (before, after) => {
      if ((after.count ?? 1) !== (before.count ?? 1)) print(after);
    },
  });
  informer.start();
  void informer.waitForSync().then(() => {
    live = true;
  });
  return () => informer.stop();
}

import type { TrackedChanges } from "./change-tracker.js";

/** A way of making service ports reachable on this node: iptables rules or userspace listeners. */
export interface Proxier {
  readonly mode: "iptables" | "userspace";
  /** Brings the node in line with `changes.map`; `changes.changed` says which ports moved. */
  sync(changes: TrackedChanges): Promise<void>;
  /** Stops listeners; rules stay (as kube-proxy leaves them) until `--cleanup`. */
  stop(): Promise<void>;
}

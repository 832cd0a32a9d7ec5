import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, column, NAME_COLUMN } from "./columns.js";
import { arr, creationOf, isDeleting, type Json, nameOf, num, obj, specOf, statusOf, str } from "./fields.js";
import type { Printer, TableRowCondition } from "./table.js";

/** `kubectl get pods`: NAME READY STATUS RESTARTS AGE, and with -o wide IP NODE NOMINATED NODE READINESS GATES. */
export const podPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
    column("Status", "string", "The aggregate status of the containers in this pod."),
    column(
      "Restarts",
      "string",
      "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    AGE_COLUMN,
    column("IP", "string", "IP address allocated to the pod. Routable at least within the cluster.", {
      wide: true,
    }),
    column("Node", "string", "The node this pod is bound to.", { wide: true }),
    column("Nominated Node", "string", "The node preemption nominated for this pod.", { wide: true }),
    column("Readiness Gates", "string", "Pod conditions evaluated for readiness besides the containers'.", {
      wide: true,
    }),
  ],
  row: printPod,
};

/** Kubernetes marks finished pods so clients can tell them apart. */
const SUCCEEDED: TableRowCondition[] = [
  { type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." },
];
const FAILED: TableRowCondition[] = [
  { type: "Completed", status: "True", reason: "Failed", message: "The pod failed." },
];

/** The reason the node lifecycle controller gives pods on a node that stopped reporting. */
const NODE_LOST = "NodeLost";

function printPod(pod: ApiObject, now: Date) {
  const spec = specOf(pod);
  const status = statusOf(pod);
  const phase = str(status.phase);
  const conditions = arr(status.conditions);
  const initSpecs = new Map(arr(spec.initContainers).map((c) => [str(c.name), c]));
  const isSidecar = (name: string) => str(initSpecs.get(name)?.restartPolicy) === "Always";

  let totalContainers = arr(spec.containers).length;
  for (const c of initSpecs.values()) if (str(c.restartPolicy) === "Always") totalContainers++;

  let reason = str(status.reason) || phase;
  for (const c of conditions) {
    if (str(c.type) === "PodScheduled" && str(c.reason) === "SchedulingGated") reason = "SchedulingGated";
  }

  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;
  let readyContainers = 0;
  let initializing = false;

  const initStatuses = arr(status.initContainerStatuses);
  for (const [i, cs] of initStatuses.entries()) {
    const name = str(cs.name);
    const state = obj(cs.state);
    const terminated = state.terminated === undefined ? undefined : obj(state.terminated);
    const waiting = state.waiting === undefined ? undefined : obj(state.waiting);
    restarts += num(cs.restartCount);
    lastRestart = Math.max(lastRestart, lastTerminationAt(cs));
    if (isSidecar(name)) {
      sidecarRestarts += num(cs.restartCount);
      lastSidecarRestart = Math.max(lastSidecarRestart, lastTerminationAt(cs));
    }
    if (terminated && num(terminated.exitCode) === 0) continue;
    if (isSidecar(name) && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      reason = str(terminated.reason)
        ? `Init:${str(terminated.reason)}`
        : num(terminated.signal) !== 0
          ? `Init:Signal:${num(terminated.signal)}`
          : `Init:ExitCode:${num(terminated.exitCode)}`;
    } else if (waiting && str(waiting.reason) && str(waiting.reason) !== "PodInitializing") {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initSpecs.size}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(conditions, "Initialized")) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    // Backwards, so the first container's state has the last word, as in kubectl.
    const statuses = arr(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i] as Json;
      const state = obj(cs.state);
      restarts += num(cs.restartCount);
      lastRestart = Math.max(lastRestart, lastTerminationAt(cs));
      const waiting = state.waiting === undefined ? undefined : obj(state.waiting);
      const terminated = state.terminated === undefined ? undefined : obj(state.terminated);
      if (waiting && str(waiting.reason)) {
        reason = str(waiting.reason);
      } else if (terminated && str(terminated.reason)) {
        reason = str(terminated.reason);
      } else if (terminated) {
        reason =
          num(terminated.signal) !== 0
            ? `Signal:${num(terminated.signal)}`
            : `ExitCode:${num(terminated.exitCode)}`;
      } else if (cs.ready === true && state.running !== undefined) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose containers finished except one still running is still running.
    if (reason === "Completed" && hasRunning) {
      reason = conditionTrue(conditions, "Ready") ? "Running" : "NotReady";
    }
  }

  if (isDeleting(pod) && str(status.reason) === NODE_LOST) {
    reason = "Unknown";
  } else if (isDeleting(pod) && phase !== "Succeeded" && phase !== "Failed") {
    reason = "Terminating";
  }

  const restartsCell =
    restarts !== 0 && lastRestart > 0
      ? `${restarts} (${translateTimestampSince(new Date(lastRestart).toISOString(), now)} ago)`
      : String(restarts);

  // Kubernetes keeps podIP and podIPs[0] equal; a status written with only podIP still prints.
  const podIPs = arr(status.podIPs);
  const podIP = str(podIPs[0]?.ip) || str(status.podIP) || "<none>";
  const gates = arr(spec.readinessGates);
  let readinessGates = "<none>";
  if (gates.length > 0) {
    let met = 0;
    for (const gate of gates) {
      const cond = conditions.find((c) => str(c.type) === str(gate.conditionType));
      if (cond && str(cond.status) === "True") met++;
    }
    readinessGates = `${met}/${gates.length}`;
  }

  return {
    cells: [
      nameOf(pod),
      `${readyContainers}/${totalContainers}`,
      reason,
      restartsCell,
      translateTimestampSince(creationOf(pod), now),
      podIP,
      str(spec.nodeName) || "<none>",
      str(status.nominatedNodeName) || "<none>",
      readinessGates,
    ],
    ...(phase === "Succeeded" ? { conditions: SUCCEEDED } : phase === "Failed" ? { conditions: FAILED } : {}),
  };
}

function lastTerminationAt(containerStatus: Json): number {
  const terminated = obj(obj(containerStatus.lastState).terminated);
  const t = Date.parse(str(terminated.finishedAt));
  return Number.isNaN(t) ? 0 : t;
}

function conditionTrue(conditions: Json[], type: string): boolean {
  const c = conditions.find((x) => str(x.type) === type);
  return c !== undefined && str(c.status) === "True";
}

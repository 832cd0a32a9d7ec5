import type {
  Container,
  ContainerState,
  ContainerStatus,
  Pod,
  PodCondition,
  PodPhase,
  PodStatus,
} from "@minik8s/api";
import { qosClass } from "@minik8s/api/pod-qos";
import { rfc3339 } from "@minik8s/api/time";
import type { RuntimeContainer } from "../runtime/container-runtime.js";

/** Why a container is not running yet: ContainerCreating, CrashLoopBackOff, ErrImagePull ... */
export interface Waiting {
  reason: string;
  message?: string | undefined;
}

/** The runtime's side of one pod, as the sync left it. */
export interface PodRuntimeView {
  /** The latest sandbox, running or not. */
  sandbox?: RuntimeContainer | undefined;
  /** Per container name: the latest instance and the one before it. */
  instances: Map<string, { current?: RuntimeContainer; previous?: RuntimeContainer }>;
  /** Waiting reasons the sync decided (backoff, pull and create errors), per container name. */
  waiting: Map<string, Waiting>;
  /** What the probes say of each current instance; a container without one is ready once running. */
  probes?: Map<string, { started: boolean; ready: boolean }> | undefined;
}

export interface StatusContext {
  hostIP: string;
  /** The scheme of container IDs: "docker" gives docker://abc... */
  runtimeName: string;
  now: number;
}

/**
 * The pod status in Kubernetes' shape, from the pod and what runs: kubelet's
 * generateAPIPodStatus. Pure, so every shape can be checked without a runtime. Times that did
 * not change (a condition's lastTransitionTime, startTime) are kept from the pod's last status.
 */
export function buildPodStatus(pod: Pod, view: PodRuntimeView, ctx: StatusContext): PodStatus {
  const old = pod.status ?? {};
  const restartPolicy = pod.spec.restartPolicy ?? "Always";
  const initSpecs = pod.spec.initContainers ?? [];
  const initStatuses = initSpecs.map((c) => containerStatus(c, view, ctx, undefined));
  const initDone = initStatuses.every((s) => s.state?.terminated?.exitCode === 0);
  const statuses = pod.spec.containers.map((c) =>
    containerStatus(c, view, ctx, initDone ? undefined : { reason: "PodInitializing" }),
  );
  const phase = podPhase(restartPolicy, initStatuses, statuses);
  const completed = phase === "Succeeded" || phase === "Failed";

  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const incomplete = initStatuses.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);
  const conditions: PodCondition[] = [
    initDone || phase === "Succeeded"
      ? { type: "Initialized", status: "True", ...(phase === "Succeeded" ? { reason: "PodCompleted" } : {}) }
      : {
          type: "Initialized",
          status: "False",
          reason: "ContainersNotInitialized",
          message: `containers with incomplete status: [${incomplete.join(" ")}]`,
        },
    readiness("Ready", completed, unready),
    readiness("ContainersReady", completed, unready),
    old.conditions?.find((c) => c.type === "PodScheduled") ?? { type: "PodScheduled", status: "True" },
  ];
  // A hostNetwork pod's IP is the node's (Kubernetes does the same).
  const podIP =
    view.sandbox?.state === "running" ? (pod.spec.hostNetwork ? ctx.hostIP : view.sandbox.ip) : undefined;
  const status: PodStatus = {
    ...old,
    phase,
    conditions: conditions.map((c) => withTransitionTime(c, old.conditions, ctx.now)),
    hostIP: ctx.hostIP,
    hostIPs: [{ ip: ctx.hostIP }],
    podIP: podIP ?? (completed ? old.podIP : undefined),
    podIPs: podIP ? [{ ip: podIP }] : completed ? old.podIPs : undefined,
    startTime: old.startTime ?? rfc3339(ctx.now),
    qosClass: old.qosClass ?? qosClass(pod.spec.containers),
    initContainerStatuses: initSpecs.length > 0 ? initStatuses : undefined,
    containerStatuses: statuses,
  };
  delete status.reason;
  delete status.message;
  for (const key of Object.keys(status) as (keyof PodStatus)[])
    if (status[key] === undefined) delete status[key];
  return status;
}

/** A pod the node refuses to run (Kubernetes' rejectPod): Failed, with the reason and why. */
export function rejectedPodStatus(pod: Pod, reason: string, message: string, now: number): PodStatus {
  return {
    ...pod.status,
    phase: "Failed",
    reason,
    message: `Pod was rejected: ${message}`,
    startTime: pod.status?.startTime ?? rfc3339(now),
  };
}

function containerStatus(
  spec: Container,
  view: PodRuntimeView,
  ctx: StatusContext,
  notYet: { reason: string } | undefined,
): ContainerStatus {
  const { current, previous } = view.instances.get(spec.name) ?? {};
  const waiting = view.waiting.get(spec.name);
  let state: ContainerState;
  let lastState: ContainerState =
    previous?.state === "exited" ? { terminated: terminated(previous, ctx) } : {};
  if (waiting && current?.state !== "running") {
    state = { waiting: withMessage(waiting) };
    if (current?.state === "exited") lastState = { terminated: terminated(current, ctx) };
  } else if (current?.state === "running") {
    state = { running: { startedAt: rfc3339(current.startedAt ?? current.createdAt) } };
  } else if (current?.state === "exited") {
    state = { terminated: terminated(current, ctx) };
  } else {
    state = { waiting: { reason: notYet?.reason ?? "ContainerCreating" } };
  }
  const running = state.running !== undefined;
  const probed = view.probes?.get(spec.name);
  return {
    name: spec.name,
    state,
    lastState,
    ready: running && (probed?.ready ?? true),
    restartCount: current?.restartCount ?? 0,
    image: spec.image ?? "",
    imageID: current ? `${ctx.runtimeName}://${current.imageId}` : "",
    ...(current ? { containerID: `${ctx.runtimeName}://${current.id}` } : {}),
    started: running && (probed?.started ?? true),
  };
}

function withMessage(w: Waiting): { reason: string; message?: string } {
  return w.message === undefined ? { reason: w.reason } : { reason: w.reason, message: w.message };
}

function terminated(c: RuntimeContainer, ctx: StatusContext): NonNullable<ContainerState["terminated"]> {
  const exitCode = c.exitCode ?? 0;
  return {
    exitCode,
    reason: c.reason ?? (exitCode === 0 ? "Completed" : "Error"),
    ...(c.message ? { message: c.message } : {}),
    startedAt: rfc3339(c.startedAt ?? c.createdAt),
    finishedAt: rfc3339(c.finishedAt ?? c.startedAt ?? c.createdAt),
    containerID: `${ctx.runtimeName}://${c.id}`,
  };
}

/** Kubernetes' getPhase, for pods without sidecars. */
export function podPhase(
  restartPolicy: string,
  init: ContainerStatus[],
  containers: ContainerStatus[],
): PodPhase {
  for (const s of init) {
    const t = s.state?.terminated;
    if (restartPolicy === "Never" && t && t.exitCode !== 0) return "Failed";
  }
  if (init.some((s) => s.state?.terminated?.exitCode !== 0)) return "Pending";
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of containers) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (restartPolicy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    if (restartPolicy === "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

function readiness(type: string, completed: boolean, unready: string[]): PodCondition {
  if (completed) return { type, status: "False", reason: "PodCompleted" };
  if (unready.length === 0) return { type, status: "True" };
  return {
    type,
    status: "False",
    reason: "ContainersNotReady",
    message: `containers with unready status: [${unready.join(" ")}]`,
  };
}

function withTransitionTime(c: PodCondition, old: PodCondition[] | undefined, now: number): PodCondition {
  const before = old?.find((o) => o.type === c.type);
  if (c.lastTransitionTime) return c;
  const at =
    before && before.status === c.status && before.lastTransitionTime
      ? before.lastTransitionTime
      : rfc3339(now);
  return { ...c, lastTransitionTime: at };
}

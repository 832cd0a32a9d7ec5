import type { Container, Pod } from "@minik8s/api";
import type { Clock, Logger } from "@minik8s/client";
import { containerConfig, podLabels, runtimeName } from "./container-config.js";
import { CrashLoopBackoff } from "./crash-loop-backoff.js";
import {
  type ContainerRuntime,
  LABELS,
  type PullPolicy,
  type RuntimeContainer,
} from "./runtime/container-runtime.js";
import { buildPodStatus, type PodRuntimeView, rejectedPodStatus, type Waiting } from "./status/pod-status.js";
import { keyOf, type PodApi } from "./status/status-writer.js";

/** Admission of pods that need node-local resources (GPUs); the device manager implements it. */
export interface PodAdmitter {
  admit(pod: Pod): Promise<{ ok: true } | { ok: false; reason: string; message: string }>;
  /** The device IDs given to one container of an admitted pod. */
  devicesFor(podUid: string, containerName: string): string[] | undefined;
  release(podUid: string): Promise<void>;
}

export interface PodSyncerOptions {
  runtime: ContainerRuntime;
  /** The scheme of container IDs in status: docker, sim. */
  runtimeName: string;
  api: PodApi;
  nodeName: string;
  hostIP: string;
  clock: Clock;
  logger: Logger;
  admitter?: PodAdmitter | undefined;
}

/** What the pod worker should do next: sync again after this long (a backoff ends), or wait for events. */
export interface SyncResult {
  requeueAfterMs?: number;
}

/** How long to wait before retrying something that failed without a backoff of its own. */
const RETRY_MS = 10_000;

/**
 * One pod's reconcile: the kubelet's SyncPod. It compares the pod the apiserver wants (or its
 * absence) with the containers the runtime has for that pod uid, makes the next changes, and
 * writes the status that results. It keeps nothing the runtime and the API do not hold except
 * backoff timers and the last waiting reasons, so a restarted kubelet picks up where it was.
 */
export class PodSyncer {
  private readonly crashBackoff: CrashLoopBackoff;
  private readonly pullBackoff: CrashLoopBackoff;
  private readonly pullFailedAt = new Map<string, number>();
  private readonly waiting = new Map<string, Map<string, Waiting>>();
  private readonly admitted = new Set<string>();

  constructor(private readonly o: PodSyncerOptions) {
    this.crashBackoff = new CrashLoopBackoff(o.clock);
    this.pullBackoff = new CrashLoopBackoff(o.clock);
  }

  /** Syncs pod `uid`: `pod` is what the API wants, undefined when the pod no longer exists. */
  async sync(uid: string, pod: Pod | undefined): Promise<SyncResult> {
    const records = await this.list(uid);
    if (!pod) {
      if (records.length > 0) {
        const name = `${records[0]!.labels[LABELS.podNamespace]}/${records[0]!.labels[LABELS.podName]}`;
        const grace = Number(records[0]!.labels[LABELS.gracePeriod] ?? 30);
        this.o.logger.info({ pod: name, uid, grace }, "pod no longer exists; removing its containers");
        await this.killPod(records, Number.isFinite(grace) ? grace : 30, true);
      }
      await this.forget(uid);
      return {};
    }
    const key = keyOf(pod);
    if (pod.metadata.deletionTimestamp) {
      const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      if (records.length > 0) this.o.logger.info({ pod: key, grace }, "pod is being deleted; stopping it");
      await this.killPod(records, grace, true);
      await this.forget(uid);
      await this.o.api.confirmDeletion(pod);
      this.o.logger.info({ pod: key }, "containers removed; deletion confirmed");
      return {};
    }
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") {
      await this.stopTerminal(pod, records);
      return {};
    }
    if (!this.admitted.has(uid)) {
      const verdict = (await this.o.admitter?.admit(pod)) ?? { ok: true as const };
      if (!verdict.ok) {
        this.o.logger.warn({ pod: key, reason: verdict.reason, message: verdict.message }, "pod rejected");
        await this.o.api.writeStatus(
          pod,
          rejectedPodStatus(pod, verdict.reason, verdict.message, this.o.clock.now()),
        );
        return {};
      }
      this.admitted.add(uid);
    }

    // A pod that has run to completion stays as it is: nothing restarts, no new sandbox.
    const before = buildPodStatus(pod, this.view(uid, records), this.statusContext());
    if (before.phase === "Succeeded" || before.phase === "Failed") {
      this.o.logger.info({ pod: key, phase: before.phase }, "pod finished");
      await this.o.api.writeStatus(pod, before);
      await this.stopTerminal(pod, records);
      return {};
    }

    const requeue = await this.act(pod, records);
    const after = await this.list(uid);
    await this.removeStale(after);
    const status = buildPodStatus(pod, this.view(uid, after), this.statusContext());
    await this.o.api.writeStatus(pod, status);
    if (status.phase === "Succeeded" || status.phase === "Failed") {
      this.o.logger.info({ pod: key, phase: status.phase }, "pod finished");
      await this.stopTerminal(pod, after);
      return {};
    }
    return requeue === undefined ? {} : { requeueAfterMs: requeue };
  }

  /** Containers of pod `uid` on this node, sandboxes included. */
  private list(uid: string): Promise<RuntimeContainer[]> {
    return this.o.runtime.list({ [LABELS.podUid]: uid, [LABELS.node]: this.o.nodeName });
  }

  /** Makes the next changes; returns when to look again (undefined: on the next event). */
  private async act(pod: Pod, records: RuntimeContainer[]): Promise<number | undefined> {
    const uid = pod.metadata.uid ?? "";
    const key = keyOf(pod);
    const waiting = this.waitingOf(uid);
    const containers = records.filter((r) => r.kind === "container");
    let sandbox = latest(records.filter((r) => r.kind === "sandbox"));

    if (sandbox?.state !== "running") {
      const running = containers.filter((c) => c.state === "running");
      if (sandbox) {
        this.o.logger.info(
          { pod: key, sandbox: sandbox.id },
          "sandbox exited; stopping the pod and creating a new sandbox",
        );
      }
      await Promise.all(
        running.map((c) => this.o.runtime.stop(c.id, pod.spec.terminationGracePeriodSeconds ?? 30)),
      );
      const attempt = sandbox ? Number(sandbox.labels[LABELS.attempt] ?? 0) + 1 : 0;
      const created = await this.o.runtime.runSandbox({
        name: runtimeName(pod, "POD", attempt),
        hostname: (pod.spec.hostname ?? pod.metadata.name ?? "").slice(0, 63),
        labels: {
          ...podLabels(pod, this.o.nodeName),
          [LABELS.type]: "podsandbox",
          [LABELS.attempt]: String(attempt),
        },
      });
      if (!created.ok) {
        this.o.logger.warn(
          { pod: key, reason: created.error.reason, err: created.error.message },
          "sandbox failed",
        );
        for (const c of allContainers(pod)) waiting.set(c.name, { reason: "ContainerCreating" });
        return RETRY_MS;
      }
      this.o.logger.info({ pod: key, sandbox: created.value, attempt }, "started pod sandbox");
      for (const old of records.filter((r) => r.kind === "sandbox")) await this.o.runtime.remove(old.id);
      sandbox = await this.o.runtime.inspect(created.value);
      if (!sandbox) return RETRY_MS;
    }
    const inSandbox = containers.filter((c) => c.labels[LABELS.sandboxId] === sandbox.id);
    const policy = pod.spec.restartPolicy ?? "Always";

    for (const spec of pod.spec.initContainers ?? []) {
      const cur = latest(inSandbox.filter((c) => nameOf(c) === spec.name));
      if (cur?.state === "exited" && cur.exitCode === 0) continue;
      if (cur?.state === "running") return undefined;
      if (cur?.state === "exited") {
        if (policy === "Never") return undefined;
        return this.restartAfterBackoff(pod, spec, cur, sandbox, containers);
      }
      if (cur) await this.o.runtime.remove(cur.id);
      return this.start(pod, spec, sandbox, containers);
    }

    let requeue: number | undefined;
    for (const spec of pod.spec.containers) {
      let cur = latest(inSandbox.filter((c) => nameOf(c) === spec.name));
      // After a new sandbox, a container that already finished for good is not run again.
      if (!cur && policy !== "Always") {
        const done = latest(containers.filter((c) => nameOf(c) === spec.name));
        if (done?.state === "exited" && (policy === "Never" || done.exitCode === 0)) cur = done;
      }
      let next: number | undefined;
      if (!cur || cur.state === "created") {
        if (cur) await this.o.runtime.remove(cur.id);
        next = await this.start(pod, spec, sandbox, containers);
      } else if (cur.state === "exited" && shouldRestart(policy, cur.exitCode ?? 0)) {
        next = await this.restartAfterBackoff(pod, spec, cur, sandbox, containers);
      }
      if (next !== undefined) requeue = requeue === undefined ? next : Math.min(requeue, next);
    }
    return requeue;
  }

  /** CrashLoopBackOff: restart `cur` once its backoff has passed, or say how long is left. */
  private async restartAfterBackoff(
    pod: Pod,
    spec: Container,
    cur: RuntimeContainer,
    sandbox: RuntimeContainer,
    all: RuntimeContainer[],
  ): Promise<number | undefined> {
    const uid = pod.metadata.uid ?? "";
    const backoffKey = `${uid}/${spec.name}`;
    const { wait, delay } = this.crashBackoff.check(
      backoffKey,
      cur.finishedAt ?? this.o.clock.now(),
      cur.startedAt,
    );
    if (wait > 0) {
      const message = `back-off ${goDuration(delay)} restarting failed container=${spec.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${uid})`;
      if (this.waitingOf(uid).get(spec.name)?.reason !== "CrashLoopBackOff") {
        this.o.logger.info(
          { pod: keyOf(pod), container: spec.name, exitCode: cur.exitCode, backoffMs: delay },
          "container exited; restarting after back-off",
        );
      }
      this.waitingOf(uid).set(spec.name, { reason: "CrashLoopBackOff", message });
      return wait;
    }
    this.crashBackoff.restarted(backoffKey);
    return this.start(pod, spec, sandbox, all);
  }

  /** Pull (as the policy says), create and start one container; failures become waiting reasons. */
  private async start(
    pod: Pod,
    spec: Container,
    sandbox: RuntimeContainer,
    all: RuntimeContainer[],
  ): Promise<number | undefined> {
    const uid = pod.metadata.uid ?? "";
    const key = keyOf(pod);
    const waiting = this.waitingOf(uid);
    const image = spec.image ?? "";
    const pullKey = `${uid}/${spec.name}/pull`;
    const failedAt = this.pullFailedAt.get(pullKey);
    if (failedAt !== undefined) {
      const { wait } = this.pullBackoff.check(pullKey, failedAt);
      if (wait > 0) {
        waiting.set(spec.name, { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` });
        return wait;
      }
      this.pullBackoff.restarted(pullKey);
    }
    const policy = (spec.imagePullPolicy ?? "IfNotPresent") as PullPolicy;
    const pulled = await this.o.runtime.ensureImage(image, policy);
    if (!pulled.ok) {
      this.o.logger.warn(
        { pod: key, container: spec.name, image, reason: pulled.error.reason },
        pulled.error.message,
      );
      waiting.set(spec.name, { reason: pulled.error.reason, message: pulled.error.message });
      if (pulled.error.reason !== "ErrImagePull") return RETRY_MS;
      const now = this.o.clock.now();
      this.pullFailedAt.set(pullKey, now);
      return this.pullBackoff.check(pullKey, now).wait;
    }
    this.pullFailedAt.delete(pullKey);

    const config = containerConfig(pod, spec, {
      nodeName: this.o.nodeName,
      podIP: sandbox.ip ?? "",
      hostIP: this.o.hostIP,
      sandboxId: sandbox.id,
      restartCount: nextRestartCount(pod, spec.name, all),
      devices: this.o.admitter?.devicesFor(uid, spec.name),
    });
    if (!config.ok) {
      waiting.set(spec.name, config.error);
      this.o.logger.warn(
        { pod: key, container: spec.name, reason: config.error.reason },
        config.error.message,
      );
      return RETRY_MS;
    }
    const created = await this.o.runtime.createContainer(sandbox.id, config.value);
    if (!created.ok) {
      waiting.set(spec.name, created.error);
      this.o.logger.warn(
        { pod: key, container: spec.name, reason: created.error.reason },
        created.error.message,
      );
      return RETRY_MS;
    }
    const started = await this.o.runtime.startContainer(created.value);
    if (!started.ok) {
      // It exists but did not run: the next sync sees it exited and backs off like a crash.
      waiting.set(spec.name, started.error);
      this.o.logger.warn(
        { pod: key, container: spec.name, reason: started.error.reason },
        started.error.message,
      );
      return RETRY_MS;
    }
    waiting.delete(spec.name);
    this.o.logger.info(
      {
        pod: key,
        container: spec.name,
        id: created.value,
        restartCount: config.value.labels[LABELS.restartCount],
      },
      "started container",
    );
    return undefined;
  }

  /** Keeps the latest two instances of each container (the running one and the last dead one). */
  private async removeStale(records: RuntimeContainer[]): Promise<void> {
    const byName = new Map<string, RuntimeContainer[]>();
    for (const c of records.filter((r) => r.kind === "container")) {
      byName.set(nameOf(c), [...(byName.get(nameOf(c)) ?? []), c]);
    }
    for (const instances of byName.values()) {
      for (const old of newestFirst(instances).slice(2)) {
        if (old.state !== "running") await this.o.runtime.remove(old.id);
      }
    }
  }

  /** SIGTERM everything, SIGKILL after `grace`, then (when `remove`) delete it all. */
  private async killPod(records: RuntimeContainer[], grace: number, remove: boolean): Promise<void> {
    const apps = records.filter((r) => r.kind === "container" && r.state !== "exited");
    await Promise.all(apps.map((c) => this.o.runtime.stop(c.id, grace)));
    const sandboxes = records.filter((r) => r.kind === "sandbox" && r.state !== "exited");
    await Promise.all(sandboxes.map((s) => this.o.runtime.stop(s.id, grace)));
    if (remove) for (const r of records) await this.o.runtime.remove(r.id);
  }

  /** A finished pod keeps its exited containers (for logs) but not its sandbox or devices. */
  private async stopTerminal(pod: Pod, records: RuntimeContainer[]): Promise<void> {
    if (records.some((r) => r.state === "running")) {
      this.o.logger.info(
        { pod: keyOf(pod), phase: pod.status?.phase },
        "pod is finished; stopping its sandbox",
      );
      await this.killPod(records, pod.spec.terminationGracePeriodSeconds ?? 30, false);
    }
    await this.o.admitter?.release(pod.metadata.uid ?? "");
  }

  private async forget(uid: string): Promise<void> {
    this.waiting.delete(uid);
    this.admitted.delete(uid);
    this.crashBackoff.forget(`${uid}/`);
    this.pullBackoff.forget(`${uid}/`);
    for (const k of this.pullFailedAt.keys()) if (k.startsWith(`${uid}/`)) this.pullFailedAt.delete(k);
    await this.o.admitter?.release(uid);
  }

  private view(uid: string, records: RuntimeContainer[]): PodRuntimeView {
    const instances: PodRuntimeView["instances"] = new Map();
    const byName = new Map<string, RuntimeContainer[]>();
    for (const c of records.filter((r) => r.kind === "container")) {
      byName.set(nameOf(c), [...(byName.get(nameOf(c)) ?? []), c]);
    }
    for (const [name, list] of byName) {
      const [current, previous] = newestFirst(list);
      instances.set(name, { ...(current ? { current } : {}), ...(previous ? { previous } : {}) });
    }
    return {
      sandbox: latest(records.filter((r) => r.kind === "sandbox")),
      instances,
      waiting: this.waitingOf(uid),
    };
  }

  private statusContext() {
    return { hostIP: this.o.hostIP, runtimeName: this.o.runtimeName, now: this.o.clock.now() };
  }

  private waitingOf(uid: string): Map<string, Waiting> {
    const w = this.waiting.get(uid) ?? new Map<string, Waiting>();
    this.waiting.set(uid, w);
    return w;
  }
}

function allContainers(pod: Pod): Container[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
}

function nameOf(c: RuntimeContainer): string {
  return c.labels[LABELS.containerName] ?? "";
}

function newestFirst(list: RuntimeContainer[]): RuntimeContainer[] {
  return [...list].sort((a, b) => b.restartCount - a.restartCount || b.createdAt - a.createdAt);
}

function latest(list: RuntimeContainer[]): RuntimeContainer | undefined {
  return [...list].sort(
    (a, b) =>
      Number(b.labels[LABELS.attempt] ?? 0) - Number(a.labels[LABELS.attempt] ?? 0) ||
      b.restartCount - a.restartCount ||
      b.createdAt - a.createdAt,
  )[0];
}

/** One more than the last instance; if the runtime lost them all, one more than the API last saw. */
function nextRestartCount(pod: Pod, name: string, all: RuntimeContainer[]): number {
  const mine = all.filter((c) => nameOf(c) === name);
  if (mine.length > 0) return Math.max(...mine.map((c) => c.restartCount)) + 1;
  const seen = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find(
    (s) => s.name === name && s.containerID,
  );
  return seen ? seen.restartCount + 1 : 0;
}

export function shouldRestart(policy: string, exitCode: number): boolean {
  return policy === "Always" || (policy === "OnFailure" && exitCode !== 0);
}

/** Go's time.Duration text, as Kubernetes' back-off messages print it: 10s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

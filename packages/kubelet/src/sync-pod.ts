import type { Container, Pod } from "@minik8s/api";
import type { Clock, EventRecorder, Logger } from "@minik8s/client";
import { containerConfig, podLabels, runtimeName } from "./container-config.js";
import { CrashLoopBackoff } from "./crash-loop-backoff.js";
import type { ConfigSource } from "./env/config-source.js";
import { makeEnvironment } from "./env/make-env.js";
import { HookRunner } from "./lifecycle/hook-runner.js";
import type { ProbeManager } from "./prober/probe-manager.js";
import type { ObservedContainer } from "./prober/probe-worker.js";
import {
  type ContainerConfig,
  type ContainerRuntime,
  LABELS,
  type Mount,
  ok,
  type PullPolicy,
  type RuntimeContainer,
  type RuntimeResult,
  type SandboxConfig,
} from "./runtime/container-runtime.js";
import { buildPodStatus, type PodRuntimeView, rejectedPodStatus, type Waiting } from "./status/pod-status.js";
import { keyOf, type PodApi } from "./status/status-writer.js";
import type { PodVolumes, VolumeManager } from "./volumes/volume-manager.js";

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
  /** The network and resolv.conf of a pod's sandbox (network/node-network.ts); absent: the runtime's defaults. */
  sandboxNetwork?: ((pod: Pod) => Pick<SandboxConfig, "network" | "dns">) | undefined;
  /** Liveness, readiness and startup probes; without it a running container is ready. */
  probes?: ProbeManager | undefined;
  /** Events about pods (Killing, FailedPostStartHook ...); none are recorded without it. */
  events?: Pick<EventRecorder, "event"> | undefined;
  /** ConfigMaps, Secrets and Services for env; without it none exist. */
  config?: ConfigSource | undefined;
  /** Volumes on this node's disk; without it volumeMounts mount nothing (hollow nodes). */
  volumes?: VolumeManager | undefined;
  /** The node's allocatable cpu and memory: resourceFieldRef of an unset limit reads it. */
  allocatable?: { cpuMillis: number; memoryBytes: number } | undefined;
}

/** What the pod worker should do next: sync again after this long (a backoff ends), or wait for events. */
export interface SyncResult {
  requeueAfterMs?: number;
}

/** How long to wait before retrying something that failed without a backoff of its own. */
const RETRY_MS = 10_000;
/** A missing ConfigMap/Secret or volume is retried sooner: the pod starts soon after it appears. */
const CONFIG_RETRY_MS = 2_000;
/** Kubernetes waits on postStart without a limit; a stuck hook here would stall the pod's worker. */
const POST_START_TIMEOUT_MS = 2 * 60_000;
/** Kubernetes' minimumGracePeriodInSeconds: what SIGTERM gets even after a slow preStop hook. */
const MIN_GRACE_AFTER_PRESTOP_S = 2;

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
  private readonly hooks: HookRunner;
  private readonly podVolumes = new Map<string, PodVolumes>();

  constructor(private readonly o: PodSyncerOptions) {
    this.crashBackoff = new CrashLoopBackoff(o.clock);
    this.pullBackoff = new CrashLoopBackoff(o.clock);
    this.hooks = new HookRunner(o.runtime, o.clock);
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
      await this.killPod(records, grace, true, pod);
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
    const before = buildPodStatus(pod, this.view(pod, records), this.statusContext());
    if (before.phase === "Succeeded" || before.phase === "Failed") {
      this.o.logger.info({ pod: key, phase: before.phase }, "pod finished");
      await this.o.api.writeStatus(pod, before);
      await this.stopTerminal(pod, records);
      return {};
    }

    const requeue = await this.act(pod, records);
    const after = await this.list(uid);
    await this.removeStale(after);
    const view = this.view(pod, after);
    const status = buildPodStatus(pod, view, this.statusContext());
    await this.o.api.writeStatus(pod, status);
    this.observeProbes(pod, view);
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
    if (!(await this.setUpVolumes(pod))) {
      for (const c of allContainers(pod)) {
        if (!waiting.has(c.name)) waiting.set(c.name, { reason: "ContainerCreating" });
      }
      return CONFIG_RETRY_MS;
    }

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
        ...this.o.sandboxNetwork?.(pod),
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
      if (cur?.state === "running") cur = await this.killIfUnhealthy(pod, spec, cur, sandbox);
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

  /**
   * A container whose liveness (or startup) probe failed is killed, preStop hook first; the
   * restart policy then restarts it like any exited container, counted as a restart.
   */
  private async killIfUnhealthy(
    pod: Pod,
    spec: Container,
    cur: RuntimeContainer,
    sandbox: RuntimeContainer,
  ): Promise<RuntimeContainer> {
    const failed = this.o.probes?.verdict(pod, spec.name, cur.id).failed;
    if (!failed) return cur;
    const restart = (pod.spec.restartPolicy ?? "Always") !== "Never";
    const message = `Container ${spec.name} failed ${failed} probe${restart ? ", will be restarted" : ""}`;
    const probe = failed === "liveness" ? spec.livenessProbe : spec.startupProbe;
    const grace = probe?.terminationGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    this.o.logger.info({ pod: keyOf(pod), container: spec.name, probe: failed, grace }, message);
    await this.killContainer(pod, spec, cur, grace, sandbox.ip, message);
    return (await this.o.runtime.inspect(cur.id)) ?? cur;
  }

  /**
   * Kubernetes' killContainer: a Killing event, the preStop hook (its time counts against the
   * grace period, leaving SIGTERM at least 2 s), then SIGTERM and SIGKILL when the rest is up.
   */
  private async killContainer(
    pod: Pod,
    spec: Container | undefined,
    c: RuntimeContainer,
    grace: number,
    podIP: string | undefined,
    message?: string,
  ): Promise<void> {
    const name = nameOf(c);
    this.o.events?.event(pod, "Normal", "Killing", message ?? `Stopping container ${name}`);
    let left = grace;
    const preStop = spec?.lifecycle?.preStop;
    if (preStop && grace > 0 && c.state === "running") {
      const started = this.o.clock.now();
      const hook = this.hooks.run(preStop, { pod, container: spec, containerId: c.id, podIP }, grace * 1000);
      let cancel: (() => void) | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        cancel = this.o.clock.setTimer(() => resolve("timeout"), grace * 1000);
      });
      const res = await Promise.race([hook, timedOut]);
      cancel?.();
      if (res === "timeout") {
        this.o.logger.info(
          { pod: keyOf(pod), container: name, grace },
          "preStop hook did not finish within the grace period",
        );
      } else if (!res.ok) {
        this.o.logger.warn({ pod: keyOf(pod), container: name }, res.message);
        this.o.events?.event(pod, "Warning", "FailedPreStopHook", res.message);
      }
      left = Math.max(MIN_GRACE_AFTER_PRESTOP_S, grace - (this.o.clock.now() - started) / 1000);
    }
    await this.o.runtime.stop(c.id, left);
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
      this.o.events?.event(
        pod,
        "Warning",
        "BackOff",
        `Back-off restarting failed container ${spec.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${uid})`,
      );
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
        this.o.events?.event(pod, "Normal", "BackOff", `Back-off pulling image "${image}"`);
        this.o.events?.event(pod, "Warning", "Failed", "Error: ImagePullBackOff");
        return wait;
      }
      this.pullBackoff.restarted(pullKey);
    }
    const policy = (spec.imagePullPolicy ?? "IfNotPresent") as PullPolicy;
    const present = await this.o.runtime.imagePresent(image);
    const pulling = policy === "Always" || (policy === "IfNotPresent" && !present);
    if (pulling) this.o.events?.event(pod, "Normal", "Pulling", `Pulling image "${image}"`);
    const pullStart = this.o.clock.now();
    // Present and not to be pulled again: asking the runtime a second time would only repeat the answer.
    const pulled =
      present && policy !== "Always" ? ok(image) : await this.o.runtime.ensureImage(image, policy);
    const tookMs = this.o.clock.now() - pullStart;
    // Go's Duration text, as the Pulled event prints it: 512ms, 1.5s.
    const pullTook = tookMs < 1000 ? `${tookMs}ms` : `${tookMs / 1000}s`;
    if (pulled.ok) {
      this.o.events?.event(
        pod,
        "Normal",
        "Pulled",
        pulling
          ? `Successfully pulled image "${image}" in ${pullTook} (${pullTook} including waiting)`
          : `Container image "${image}" already present on machine`,
      );
    } else {
      if (pulled.error.reason === "ErrImageNeverPull") {
        this.o.events?.event(pod, "Warning", "ErrImageNeverPull", pulled.error.message);
      } else {
        const message = `Failed to pull image "${image}": ${pulled.error.message}`;
        this.o.events?.event(pod, "Warning", "Failed", message);
      }
      this.o.events?.event(pod, "Warning", "Failed", `Error: ${pulled.error.reason}`);
    }
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

    const config = await this.configFor(pod, spec, sandbox, all);
    if (!config.ok) {
      waiting.set(spec.name, config.error);
      this.o.logger.warn(
        { pod: key, container: spec.name, reason: config.error.reason },
        config.error.message,
      );
      this.o.events?.event(pod, "Warning", "Failed", `Error: ${config.error.message}`);
      return CONFIG_RETRY_MS;
    }
    const created = await this.o.runtime.createContainer(sandbox.id, config.value);
    if (!created.ok) {
      this.o.events?.event(pod, "Warning", "Failed", `Error: ${created.error.message}`);
      waiting.set(spec.name, created.error);
      this.o.logger.warn(
        { pod: key, container: spec.name, reason: created.error.reason },
        created.error.message,
      );
      return RETRY_MS;
    }
    this.o.events?.event(pod, "Normal", "Created", `Created container: ${spec.name}`);
    const started = await this.o.runtime.startContainer(created.value);
    if (!started.ok) {
      this.o.events?.event(pod, "Warning", "Failed", `Error: ${started.error.message}`);
      // It exists but did not run: the next sync sees it exited and backs off like a crash.
      waiting.set(spec.name, started.error);
      this.o.logger.warn(
        { pod: key, container: spec.name, reason: started.error.reason },
        started.error.message,
      );
      return RETRY_MS;
    }
    waiting.delete(spec.name);
    this.o.events?.event(pod, "Normal", "Started", `Started container ${spec.name}`);
    this.o.logger.info(
      {
        pod: key,
        container: spec.name,
        id: created.value,
        restartCount: config.value.labels[LABELS.restartCount],
      },
      "started container",
    );
    const postStart = spec.lifecycle?.postStart;
    if (postStart) {
      const target = { pod, container: spec, containerId: created.value, podIP: sandbox.ip };
      const hook = await this.hooks.run(postStart, target, POST_START_TIMEOUT_MS);
      if (!hook.ok) {
        // As Kubernetes: the container is killed and restarted by the restart policy.
        this.o.logger.warn({ pod: key, container: spec.name }, hook.message);
        this.o.events?.event(pod, "Warning", "FailedPostStartHook", hook.message);
        const running = await this.o.runtime.inspect(created.value);
        if (running) {
          await this.killContainer(
            pod,
            spec,
            running,
            pod.spec.terminationGracePeriodSeconds ?? 30,
            sandbox.ip,
            "FailedPostStartHook",
          );
        }
        waiting.set(spec.name, { reason: "PostStartHookError", message: hook.message });
        return 0;
      }
    }
    return undefined;
  }

  /**
   * The pod's volumes made ready (before its sandbox, as Kubernetes waits for mounts). A failure
   * is a FailedMount event; once a pod has its volumes a failed refresh keeps the old ones.
   */
  private async setUpVolumes(pod: Pod): Promise<boolean> {
    const uid = pod.metadata.uid ?? "";
    if (!this.o.volumes || !pod.spec.volumes?.length) return true;
    const result = await this.o.volumes.setUp(pod);
    if (result.ok) {
      this.podVolumes.set(uid, result.volumes);
      return true;
    }
    const message = `MountVolume.SetUp failed for volume "${result.volume}" : ${result.message}`;
    this.o.logger.warn({ pod: keyOf(pod), volume: result.volume }, message);
    this.o.events?.event(pod, "Warning", "FailedMount", message);
    return this.podVolumes.has(uid);
  }

  /** Env (ConfigMaps, Secrets, services, downward API), mounts and the rest of one container's config. */
  private async configFor(
    pod: Pod,
    spec: Container,
    sandbox: RuntimeContainer,
    all: RuntimeContainer[],
  ): Promise<RuntimeResult<ContainerConfig>> {
    const uid = pod.metadata.uid ?? "";
    const env = await makeEnvironment(
      pod,
      spec,
      {
        nodeName: this.o.nodeName,
        podIP: sandbox.ip ?? "",
        hostIP: this.o.hostIP,
        allocatable: this.o.allocatable ?? { cpuMillis: 0, memoryBytes: 0 },
      },
      this.o.config ?? NO_CONFIG,
    );
    if (!env.ok) return env;
    for (const w of env.value.warnings) this.o.events?.event(pod, "Warning", w.reason, w.message);
    let mounts: Mount[] | undefined;
    if (this.o.volumes && spec.volumeMounts?.length) {
      const volumes = this.podVolumes.get(uid) ?? new Map();
      const resolved = await this.o.volumes.mountsFor(spec, volumes, env.value.env);
      if (!resolved.ok) return resolved;
      mounts = resolved.value;
    }
    return containerConfig(pod, spec, {
      nodeName: this.o.nodeName,
      sandboxId: sandbox.id,
      restartCount: nextRestartCount(pod, spec.name, all),
      env: env.value.env,
      mounts,
      devices: this.o.admitter?.devicesFor(uid, spec.name),
    });
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

  /**
   * SIGTERM everything, SIGKILL after `grace`, then (when `remove`) delete it all. With the pod
   * at hand its containers' preStop hooks run first (a pod already gone has no spec to read).
   */
  private async killPod(
    records: RuntimeContainer[],
    grace: number,
    remove: boolean,
    pod?: Pod,
  ): Promise<void> {
    const apps = records.filter((r) => r.kind === "container" && r.state !== "exited");
    const ip = latest(records.filter((r) => r.kind === "sandbox"))?.ip;
    await Promise.all(
      apps.map((c) =>
        pod
          ? this.killContainer(
              pod,
              allContainers(pod).find((s) => s.name === nameOf(c)),
              c,
              grace,
              ip,
            )
          : this.o.runtime.stop(c.id, grace),
      ),
    );
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
      await this.killPod(records, pod.spec.terminationGracePeriodSeconds ?? 30, false, pod);
    }
    this.o.probes?.removePod(pod.metadata.uid ?? "");
    await this.o.admitter?.release(pod.metadata.uid ?? "");
  }

  private async forget(uid: string): Promise<void> {
    this.o.probes?.removePod(uid);
    this.podVolumes.delete(uid);
    await this.o.volumes?.tearDown(uid);
    this.waiting.delete(uid);
    this.admitted.delete(uid);
    this.crashBackoff.forget(`${uid}/`);
    this.pullBackoff.forget(`${uid}/`);
    for (const k of this.pullFailedAt.keys()) if (k.startsWith(`${uid}/`)) this.pullFailedAt.delete(k);
    await this.o.admitter?.release(uid);
  }

  private view(pod: Pod, records: RuntimeContainer[]): PodRuntimeView {
    const uid = pod.metadata.uid ?? "";
    const instances: PodRuntimeView["instances"] = new Map();
    const byName = new Map<string, RuntimeContainer[]>();
    for (const c of records.filter((r) => r.kind === "container")) {
      byName.set(nameOf(c), [...(byName.get(nameOf(c)) ?? []), c]);
    }
    for (const [name, list] of byName) {
      const [current, previous] = newestFirst(list);
      instances.set(name, { ...(current ? { current } : {}), ...(previous ? { previous } : {}) });
    }
    const probes = this.o.probes;
    const verdicts: PodRuntimeView["probes"] = new Map();
    if (probes) {
      for (const [name, { current }] of instances) {
        if (current) verdicts.set(name, probes.verdict(pod, name, current.id));
      }
    }
    return {
      sandbox: latest(records.filter((r) => r.kind === "sandbox")),
      instances,
      waiting: this.waitingOf(uid),
      probes: verdicts,
    };
  }

  /** Hands the probe workers the instances now current, so they probe the right containers. */
  private observeProbes(pod: Pod, view: PodRuntimeView): void {
    if (!this.o.probes) return;
    const current = new Map<string, ObservedContainer | undefined>();
    for (const spec of pod.spec.containers) {
      const c = view.instances.get(spec.name)?.current;
      current.set(spec.name, c && { id: c.id, running: c.state === "running", startedAt: c.startedAt });
    }
    const ip = view.sandbox?.state === "running" ? view.sandbox.ip : undefined;
    this.o.probes.observe(pod, current, ip);
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

/** No ConfigMaps, Secrets or Services: a syncer given no source. */
const NO_CONFIG: ConfigSource = {
  configMap: async () => undefined,
  secret: async () => undefined,
  services: () => [],
};

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

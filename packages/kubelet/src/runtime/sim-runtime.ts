import type { Readable } from "node:stream";
import { type Clock, realClock } from "@minik8s/client";
import {
  type ContainerConfig,
  type ContainerRuntime,
  type ExecSession,
  type ExecStreamOptions,
  type ExecSyncResult,
  fail,
  LABELS,
  type LogOptions,
  ok,
  type PullPolicy,
  type RuntimeContainer,
  type RuntimeResult,
  type RuntimeVersion,
  restartCountOf,
  type SandboxConfig,
} from "./container-runtime.js";
import { defaultSimExec, type SimExecHandler, SimLogBook, simExec } from "./sim-streams.js";

export interface SimRuntimeOptions {
  clock?: Clock;
  /** Images present from the start; any other image is pulled (successfully, unless told). */
  images?: string[];
  /** The first three octets of pod IPs: 10.88.0 gives 10.88.0.2, 10.88.0.3 ... */
  podSubnet?: string;
}

interface SimContainer extends RuntimeContainer {
  config?: ContainerConfig;
}

/**
 * A container runtime in memory: containers "run" until a test (or a hollow node) says they
 * exit. It keeps the same records Docker would (labels, states, exit codes, times), so the
 * kubelet cannot tell it apart. Nothing picks it silently: `--runtime sim` only.
 */
export class SimRuntime implements ContainerRuntime {
  private readonly clock: Clock;
  private readonly containers = new Map<string, SimContainer>();
  private readonly present = new Set<string>();
  private readonly pullFailures = new Map<string, string>();
  private readonly createFailures = new Map<string, string>();
  private readonly sigtermIgnored = new Set<string>();
  private readonly subnet: string;
  private nextId = 1;
  private nextIp = 2;
  private readonly logBook: SimLogBook;
  private streamExecHandler: SimExecHandler = defaultSimExec;
  /** Every image pull, in order: lets tests check the pull policy. */
  readonly pulls: string[] = [];
  /** Every execSync, in order (probes, hooks). */
  readonly execs: { id: string; command: string[] }[] = [];
  private execHandler:
    | ((c: RuntimeContainer, command: string[]) => ExecSyncResult | "hang" | undefined)
    | undefined;

  constructor(opts: SimRuntimeOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.logBook = new SimLogBook(this.clock);
    for (const image of opts.images ?? []) this.present.add(image);
    this.subnet = opts.podSubnet ?? "10.88.0";
  }

  async version(): Promise<RuntimeVersion> {
    return { name: "sim", version: "0.1.0" };
  }

  async imagePresent(image: string): Promise<boolean> {
    return this.present.has(image);
  }

  async ensureImage(image: string, policy: PullPolicy): Promise<RuntimeResult<string>> {
    const present = this.present.has(image);
    if (policy === "Never" && !present) {
      return fail("ErrImageNeverPull", `Container image "${image}" is not present with pull policy of Never`);
    }
    if (policy === "IfNotPresent" && present) return ok(imageIdOf(image));
    this.pulls.push(image);
    const failure = this.pullFailures.get(image);
    if (failure !== undefined) return fail("ErrImagePull", failure);
    this.present.add(image);
    return ok(imageIdOf(image));
  }

  async runSandbox(config: SandboxConfig): Promise<RuntimeResult<string>> {
    const id = this.newId();
    const now = this.clock.now();
    this.containers.set(id, {
      id,
      name: config.name,
      kind: "sandbox",
      labels: { ...config.labels },
      state: "running",
      createdAt: now,
      startedAt: now,
      image: "sim/pause",
      imageId: imageIdOf("sim/pause"),
      restartCount: 0,
      ip: `${this.subnet}.${this.nextIp++}`,
    });
    return ok(id);
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<RuntimeResult<string>> {
    const sandbox = this.containers.get(sandboxId);
    if (sandbox?.state !== "running") {
      return fail("CreateContainerError", `sandbox ${sandboxId} is not running`);
    }
    const name = config.labels[LABELS.containerName] ?? config.name;
    const failure = this.createFailures.get(name);
    if (failure !== undefined) {
      this.createFailures.delete(name);
      return fail("CreateContainerError", failure);
    }
    if ([...this.containers.values()].some((c) => c.name === config.name)) {
      return fail("CreateContainerError", `the container name "${config.name}" is already in use`);
    }
    const id = this.newId();
    this.containers.set(id, {
      id,
      name: config.name,
      kind: "container",
      labels: { ...config.labels },
      state: "created",
      createdAt: this.clock.now(),
      image: config.image,
      imageId: imageIdOf(config.image),
      restartCount: restartCountOf(config.labels),
      devices: config.devices ? [...config.devices] : undefined,
      config,
    });
    return ok(id);
  }

  async startContainer(id: string): Promise<RuntimeResult<void>> {
    const c = this.containers.get(id);
    if (!c) return fail("RunContainerError", `no container ${id}`);
    if (c.state !== "created") return fail("RunContainerError", `container ${id} is ${c.state}`);
    c.state = "running";
    c.startedAt = this.clock.now();
    return ok(undefined);
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c || c.state === "exited") return;
    if (c.state === "created") {
      this.finish(c, 0);
      return;
    }
    if (!this.sigtermIgnored.has(this.keyOf(c))) {
      this.finish(c, 143);
      return;
    }
    // The process ignores SIGTERM: it dies by SIGKILL when the grace period runs out.
    await new Promise<void>((resolve) => this.clock.setTimer(resolve, graceSeconds * 1000));
    if (c.state === "running") this.finish(c, 137);
  }

  async remove(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (c?.state === "running") this.finish(c, 137);
    this.containers.delete(id);
    this.logBook.removed(id);
  }

  async list(labels: Record<string, string>): Promise<RuntimeContainer[]> {
    return [...this.containers.values()]
      .filter((c) => Object.entries(labels).every(([k, v]) => c.labels[k] === v))
      .map(copy);
  }

  async inspect(id: string): Promise<RuntimeContainer | undefined> {
    const c = this.containers.get(id);
    return c && copy(c);
  }

  async execSync(id: string, command: string[], timeoutMs: number): Promise<RuntimeResult<ExecSyncResult>> {
    const c = this.containers.get(id);
    if (c?.state !== "running") return fail("ExecError", `container ${id} is not running`);
    this.execs.push({ id, command: [...command] });
    const answer = this.execHandler?.(copy(c), command) ?? { exitCode: 0, output: "" };
    if (answer === "hang") {
      await new Promise<void>((resolve) => this.clock.setTimer(resolve, timeoutMs));
      return fail("ExecTimeout", `command "${command.join(" ")}" timed out after ${timeoutMs}ms`);
    }
    return ok(answer);
  }

  async logs(id: string, opts: LogOptions): Promise<Readable> {
    if (!this.containers.has(id)) throw new Error(`sim: no container ${id}`);
    return this.logBook.read(id, opts);
  }

  async execStream(id: string, opts: ExecStreamOptions): Promise<ExecSession> {
    const c = this.containers.get(id);
    if (c?.state !== "running") throw new Error(`sim: container ${id} is not running`);
    return simExec(opts, this.streamExecHandler);
  }

  // ---- what tests (and hollow nodes) do to the simulated world ----------------------------

  /** Container `id` writes `text` to its output (what `logs` returns). */
  writeLog(id: string, text: string): void {
    if (!this.containers.has(id)) throw new Error(`sim: no container ${id}`);
    this.logBook.append(id, text);
  }

  /** What `execStream` (kubectl exec) runs from now on (default: echo, cat, `sh -c 'exit N'`). */
  onExecStream(handler: SimExecHandler): void {
    this.streamExecHandler = handler;
  }

  /**
   * What `execSync` answers (exec probes and hooks): a result, "hang" (it outlasts its timeout
   * on the runtime's clock), or undefined for exit 0 with no output.
   */
  onExec(
    handler: ((c: RuntimeContainer, command: string[]) => ExecSyncResult | "hang" | undefined) | undefined,
  ): void {
    this.execHandler = handler;
  }

  /** The process of container `id` exits with `exitCode` (a sandbox exiting takes its IP along). */
  exit(id: string, exitCode: number, reason?: string): void {
    const c = this.containers.get(id);
    if (!c) throw new Error(`sim: no container ${id}`);
    if (c.state !== "running") throw new Error(`sim: container ${c.name} is ${c.state}, not running`);
    this.finish(c, exitCode, reason);
  }

  /** The running instance of a pod's container, by pod uid and container name. */
  running(podUid: string, containerName: string): RuntimeContainer | undefined {
    return [...this.containers.values()].find(
      (c) =>
        c.state === "running" &&
        c.labels[LABELS.podUid] === podUid &&
        c.labels[LABELS.containerName] === containerName,
    );
  }

  /** Makes the running instance of a pod's container exit; throws when none runs. */
  exitContainer(podUid: string, containerName: string, exitCode: number): void {
    const c = this.running(podUid, containerName);
    if (!c) throw new Error(`sim: ${containerName} of pod ${podUid} is not running`);
    this.exit(c.id, exitCode);
  }

  /** Pulls of `image` fail with `message` until `allowPull`. */
  failPull(image: string, message = `pull access denied for ${image}, repository does not exist`): void {
    this.pullFailures.set(image, message);
    this.present.delete(image);
  }

  allowPull(image: string): void {
    this.pullFailures.delete(image);
  }

  /** The next create of a container named `containerName` (the pod spec's name) fails. */
  failNextCreate(containerName: string, message: string): void {
    this.createFailures.set(containerName, message);
  }

  /** The process ignores SIGTERM, so stopping it waits out the grace period, then SIGKILLs. */
  ignoreSigterm(podUid: string, containerName: string): void {
    this.sigtermIgnored.add(`${podUid}/${containerName}`);
  }

  /** What the kubelet asked for when it created container `id` (env, command, devices ...). */
  configOf(id: string): ContainerConfig | undefined {
    return this.containers.get(id)?.config;
  }

  all(): RuntimeContainer[] {
    return [...this.containers.values()].map(copy);
  }

  private finish(c: SimContainer, exitCode: number, reason?: string): void {
    c.state = "exited";
    c.exitCode = exitCode;
    c.reason = reason;
    c.finishedAt = this.clock.now();
    if (c.kind === "sandbox") c.ip = undefined;
    this.logBook.finished(c.id);
  }

  private keyOf(c: SimContainer): string {
    return `${c.labels[LABELS.podUid]}/${c.labels[LABELS.containerName]}`;
  }

  private newId(): string {
    return (this.nextId++).toString(16).padStart(12, "0");
  }
}

function imageIdOf(image: string): string {
  let h = 0;
  for (const ch of image) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `sha256:${h.toString(16).padStart(8, "0").repeat(8)}`;
}

function copy(c: SimContainer): RuntimeContainer {
  const { config: _config, ...rest } = c;
  return { ...rest, labels: { ...rest.labels }, devices: rest.devices && [...rest.devices] };
}

/**
 * The interface the kubelet syncs pods through: Kubernetes' CRI (RuntimeService + ImageService),
 * cut down to what minik8s uses. A pod is one sandbox (it holds the network namespace) plus app
 * containers joined to it. Everything the kubelet must remember across a restart lives in the
 * runtime as labels (pod uid, namespace, name, container name, restart count, node), so a new
 * kubelet process rebuilds its view by listing, never from memory.
 *
 * Failures the kubelet reports in pod status come back as values (`RuntimeResult`), with the
 * reason Kubernetes would show (`ErrImagePull`, `CreateContainerError` ...); a thrown error means
 * the runtime itself is unreachable.
 */
import type { Readable, Writable } from "node:stream";

export type RuntimeResult<T> = { ok: true; value: T } | { ok: false; error: RuntimeError };

export interface RuntimeError {
  /** Kubernetes' word for it: ErrImagePull, ErrImageNeverPull, CreateContainerError, RunContainerError ... */
  reason: string;
  message: string;
}

export function ok<T>(value: T): RuntimeResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(reason: string, message: string): RuntimeResult<T> {
  return { ok: false, error: { reason, message } };
}

/** The labels every container the kubelet creates carries (the names dockershim used). */
export const LABELS = {
  podUid: "io.kubernetes.pod.uid",
  podNamespace: "io.kubernetes.pod.namespace",
  podName: "io.kubernetes.pod.name",
  containerName: "io.kubernetes.container.name",
  restartCount: "io.kubernetes.container.restartCount",
  /** "podsandbox" or "container", as dockershim's io.kubernetes.docker.type. */
  type: "io.kubernetes.docker.type",
  /** The grace period to use when the pod is gone and only its containers are left. */
  gracePeriod: "io.kubernetes.pod.terminationGracePeriod",
  /** Which sandbox an app container joined: a new sandbox means fresh containers. */
  sandboxId: "minik8s.io/sandbox-id",
  /** Which kubelet owns it: several simulated nodes may share one Docker engine. */
  node: "minik8s.io/node",
  /** The sandbox's attempt number (a sandbox recreated after it died gets the next one). */
  attempt: "minik8s.io/attempt",
} as const;

export type ContainerKind = "sandbox" | "container";

/** Docker's and CRI's states, folded: created (not started), running, exited, unknown. */
export type ContainerStateName = "created" | "running" | "exited" | "unknown";

/** One container (or sandbox) as the runtime reports it. Times are milliseconds since the epoch. */
export interface RuntimeContainer {
  id: string;
  name: string;
  kind: ContainerKind;
  labels: Record<string, string>;
  state: ContainerStateName;
  exitCode?: number | undefined;
  /** Docker's reason beside the exit code: OOMKilled, or the error that stopped it starting. */
  reason?: string | undefined;
  message?: string | undefined;
  createdAt: number;
  startedAt?: number | undefined;
  finishedAt?: number | undefined;
  /** The image as the pod spec named it, and the image ID the runtime resolved. */
  image: string;
  imageId: string;
  /** From the restart count label (0 for sandboxes). */
  restartCount: number;
  /** Sandboxes only: the pod's IP. */
  ip?: string | undefined;
  /** GPUs given to it (device IDs), as the runtime recorded them. */
  devices?: string[] | undefined;
}

export interface SandboxConfig {
  name: string;
  hostname: string;
  labels: Record<string, string>;
  /** The network the sandbox joins: a runtime network's name, or "host"; absent: the runtime's default. */
  network?: string | undefined;
  /** The pod's resolv.conf (CRI's DNSConfig); absent: the runtime's default, the host's. */
  dns?: { nameservers: string[]; searches: string[]; options: string[] } | undefined;
}

export interface ContainerConfig {
  name: string;
  image: string;
  /** Kubernetes' command (Docker's entrypoint) and args (Docker's cmd), $(VAR) already expanded. */
  command?: string[] | undefined;
  args?: string[] | undefined;
  workingDir?: string | undefined;
  env: Record<string, string>;
  labels: Record<string, string>;
  /** From limits.cpu, in millicores. */
  cpuMillis?: number | undefined;
  /** From limits.memory, in bytes. */
  memoryBytes?: number | undefined;
  /** GPU device IDs the device manager allocated to this container. */
  devices?: string[] | undefined;
  /** From requests.cpu (limits.cpu when no request): Kubernetes' cgroup cpu shares, 2 at least. */
  cpuShares?: number | undefined;
  /** Host paths bind-mounted into the container (volumes; tmpfs ones are already mounted on the host). */
  mounts?: Mount[] | undefined;
  /** securityContext runAsUser[:runAsGroup], numeric, as Docker's User. */
  user?: string | undefined;
  privileged?: boolean | undefined;
  readOnlyRootfs?: boolean | undefined;
  /** securityContext.capabilities: names as Kubernetes writes them (NET_ADMIN, ALL). */
  capAdd?: string[] | undefined;
  capDrop?: string[] | undefined;
  /** securityContext.allowPrivilegeEscalation: false sets no_new_privs. */
  noNewPrivileges?: boolean | undefined;
}

/** CRI's Mount: one host path at one path inside the container. */
export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export type PullPolicy = "Always" | "IfNotPresent" | "Never";

export interface RuntimeVersion {
  /** "docker" or "sim": the scheme of container IDs (`docker://abc...`). */
  name: string;
  version: string;
}

export interface ContainerRuntime {
  version(): Promise<RuntimeVersion>;

  /** Whether `image` is present already (CRI's ImageStatus): the kubelet's Pulling/Pulled events. */
  imagePresent(image: string): Promise<boolean>;

  /** Makes `image` present as `policy` says; the value is the image ID. */
  ensureImage(image: string, policy: PullPolicy): Promise<RuntimeResult<string>>;

  /** Creates and starts a sandbox; the value is its ID. */
  runSandbox(config: SandboxConfig): Promise<RuntimeResult<string>>;

  /** Creates an app container inside a running sandbox (not started); the value is its ID. */
  createContainer(sandboxId: string, config: ContainerConfig): Promise<RuntimeResult<string>>;
  startContainer(id: string): Promise<RuntimeResult<void>>;

  /** SIGTERM, then SIGKILL once `graceSeconds` have passed; resolves when it has exited. */
  stop(id: string, graceSeconds: number): Promise<void>;
  /** Removes a container or sandbox (stopping it at once if it still runs). */
  remove(id: string): Promise<void>;

  /** Every container and sandbox carrying all these labels. */
  list(labels: Record<string, string>): Promise<RuntimeContainer[]>;
  inspect(id: string): Promise<RuntimeContainer | undefined>;

  /**
   * CRI's ExecSync: runs `command` in running container `id` and collects its output (stdout
   * and stderr together). Exec probes and exec lifecycle hooks use it. Failures to run it at
   * all (container not running, no such binary's exec failing to start, `timeoutMs` passing)
   * are values: reason ExecTimeout or ExecError.
   */
  execSync(id: string, command: string[], timeoutMs: number): Promise<RuntimeResult<ExecSyncResult>>;

  /** The container's output, stdout and stderr interleaved; with `follow`, until it exits or is destroyed. */
  logs(id: string, opts: LogOptions): Promise<Readable>;
  /** Starts `command` in a running container with its streams attached (kubectl exec). */
  execStream(id: string, opts: ExecStreamOptions): Promise<ExecSession>;
  /** What a running container uses now (the Summary API's figures); absent where not measured. */
  stats?(id: string): Promise<ContainerUsage | undefined>;
}

/** CPU and memory of one container, in the Summary API's units. */
export interface ContainerUsage {
  /** CPU time used since it started. */
  usageCoreNanoSeconds?: number | undefined;
  memoryUsageBytes?: number | undefined;
  /** Usage less inactive file cache: what the OOM killer and evictions look at. */
  memoryWorkingSetBytes?: number | undefined;
}

/** CRI's log options, as `GET /containerLogs` takes them. */
export interface LogOptions {
  follow?: boolean | undefined;
  /** Only the last N lines. */
  tailLines?: number | undefined;
  /** Only lines written in the last N seconds. */
  sinceSeconds?: number | undefined;
  /** Prefix each line with its RFC 3339 time. */
  timestamps?: boolean | undefined;
}

export interface ExecStreamOptions {
  command: string[];
  stdin: boolean;
  tty: boolean;
}

/** A running exec: its streams, a way to resize its terminal, and its exit code once it ends. */
export interface ExecSession {
  /** Present when stdin was asked for; ending it closes the command's stdin. */
  stdin?: Writable | undefined;
  stdout: Readable;
  /** Ends at once with a TTY: a terminal has one output stream. */
  stderr: Readable;
  resize(width: number, height: number): Promise<void>;
  /** Resolves when the command has exited (and its output has been read). */
  exitCode: Promise<number>;
  /** Gives up on the command (the client went away). */
  abort(): void;
}

export interface ExecSyncResult {
  exitCode: number;
  /** Stdout and stderr interleaved, as Kubernetes' exec prober reads them. */
  output: string;
}

/** The restart count label read back, 0 when absent or garbled. */
export function restartCountOf(labels: Record<string, string>): number {
  const n = Number(labels[LABELS.restartCount]);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

import { writeFile } from "node:fs/promises";
import { type Readable, Writable } from "node:stream";
import Docker from "dockerode";
import { isSimulatedDevice } from "../gpu/device-manager.js";
import { formatResolvConf } from "../network/pod-dns.js";
import {
  type ContainerConfig,
  type ContainerRuntime,
  type ContainerStateName,
  type ContainerUsage,
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
import { dockerExec, dockerLogs, dockerStats } from "./docker-streams.js";

export const PAUSE_IMAGE = "minik8s/pause:1";
/** Inspects of containers no list has shown for this long are dropped. */
const INSPECT_CACHE_MS = 60_000;
interface Inspected {
  state: string;
  container: RuntimeContainer;
  seenAt: number;
}
/** Kubernetes' exec prober reads at most 10 KiB of output. */
const EXEC_OUTPUT_LIMIT = 10 * 1024;

export interface DockerRuntimeOptions {
  /** dockerode's options; the default reads DOCKER_HOST or /var/run/docker.sock. */
  docker?: Docker.DockerOptions;
  pauseImage?: string;
}

/**
 * The runtime on Docker Engine, what dockershim was to Kubernetes: a pod is a pause container
 * (the sandbox, holding the network and IPC namespaces, hostname = pod name) and app containers
 * that join it with `NetworkMode: container:<sandbox>`, so they share one IP and reach each
 * other on localhost. Labels carry everything the kubelet needs to adopt them after a restart.
 * Volumes arrive as bind mounts of host paths the volume manager prepared; limits as NanoCpus,
 * CpuShares and Memory (MemorySwap equal to it: no swap, as Kubernetes).
 * Not here yet: probes, logs and exec, a pod network other than Docker's bridge.
 */
export class DockerRuntime implements ContainerRuntime {
  private readonly docker: Docker;
  private readonly pauseImage: string;
  /** list()'s last inspect of each container, by id, with the Docker state it was made in. */
  private readonly inspected = new Map<string, Inspected>();
  private prunedAt = 0;

  constructor(opts: DockerRuntimeOptions = {}) {
    this.docker = new Docker(opts.docker);
    this.pauseImage = opts.pauseImage ?? PAUSE_IMAGE;
  }

  async version(): Promise<RuntimeVersion> {
    const v = await this.docker.version();
    return { name: "docker", version: v.Version };
  }

  async imagePresent(image: string): Promise<boolean> {
    return (await this.imageId(image)) !== undefined;
  }

  async ensureImage(image: string, policy: PullPolicy): Promise<RuntimeResult<string>> {
    const present = await this.imageId(image);
    if (policy === "Never") {
      return present
        ? ok(present)
        : fail("ErrImageNeverPull", `Container image "${image}" is not present with pull policy of Never`);
    }
    if (policy === "IfNotPresent" && present) return ok(present);
    const pulled = await this.pull(image);
    if (!pulled.ok) return pulled;
    const id = await this.imageId(image);
    return id ? ok(id) : fail("ErrImagePull", `image "${image}" is missing after pulling it`);
  }

  async runSandbox(config: SandboxConfig): Promise<RuntimeResult<string>> {
    const host = config.network === "host";
    const dns = host ? undefined : config.dns;
    const create = () =>
      this.docker.createContainer({
        name: config.name,
        Image: this.pauseImage,
        // Docker refuses a hostname of its own on the host's network.
        ...(host ? {} : { Hostname: config.hostname }),
        Labels: config.labels,
        HostConfig: {
          NetworkMode: config.network ?? "bridge",
          IpcMode: "shareable",
          ...(dns ? { Dns: dns.nameservers, DnsSearch: dns.searches, DnsOptions: dns.options } : {}),
        },
      });
    try {
      let c: Docker.Container;
      try {
        c = await create();
      } catch (err) {
        // The pause image is nearly always there: pull it only when Docker says it is missing,
        // rather than inspecting it before every sandbox.
        if (!isGone(err)) throw err;
        const image = await this.ensureImage(this.pauseImage, "IfNotPresent");
        if (!image.ok) return fail("CreatePodSandboxError", `sandbox image: ${image.error.message}`);
        c = await create();
      }
      await c.start();
      if (dns) await this.writeResolvConf(c.id, dns);
      return ok(c.id);
    } catch (err) {
      return fail("CreatePodSandboxError", messageOf(err));
    }
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<RuntimeResult<string>> {
    const real = (config.devices ?? []).filter((id) => !isSimulatedDevice(id));
    try {
      const c = await this.docker.createContainer({
        name: config.name,
        Image: config.image,
        // Kubernetes' command replaces the image's ENTRYPOINT, its args the image's CMD.
        ...(config.command ? { Entrypoint: config.command } : {}),
        ...(config.args ? { Cmd: config.args } : {}),
        ...(config.workingDir ? { WorkingDir: config.workingDir } : {}),
        Env: Object.entries(config.env).map(([k, v]) => `${k}=${v}`),
        Labels: config.labels,
        ...(config.user !== undefined ? { User: config.user } : {}),
        HostConfig: {
          NetworkMode: `container:${sandboxId}`,
          IpcMode: `container:${sandboxId}`,
          ...(config.cpuMillis !== undefined ? { NanoCpus: config.cpuMillis * 1_000_000 } : {}),
          ...(config.cpuShares !== undefined ? { CpuShares: config.cpuShares } : {}),
          // No swap beyond the limit, as Kubernetes' default (NoSwap): the limit is the limit.
          ...(config.memoryBytes !== undefined
            ? { Memory: config.memoryBytes, MemorySwap: config.memoryBytes }
            : {}),
          ...(config.mounts?.length
            ? {
                Mounts: config.mounts.map((m) => ({
                  Type: "bind" as const,
                  Source: m.hostPath,
                  Target: m.containerPath,
                  ReadOnly: m.readOnly,
                })),
              }
            : {}),
          ...(config.privileged ? { Privileged: true } : {}),
          ...(config.readOnlyRootfs ? { ReadonlyRootfs: true } : {}),
          ...(config.capAdd?.length ? { CapAdd: config.capAdd } : {}),
          ...(config.capDrop?.length ? { CapDrop: config.capDrop } : {}),
          ...(config.noNewPrivileges ? { SecurityOpt: ["no-new-privileges"] } : {}),
          // Simulated GPUs travel only as NVIDIA_VISIBLE_DEVICES: Docker has no driver for them.
          ...(real.length > 0
            ? { DeviceRequests: [{ Driver: "nvidia", DeviceIDs: real, Capabilities: [["gpu"]] }] }
            : {}),
        },
      });
      return ok(c.id);
    } catch (err) {
      return fail("CreateContainerError", messageOf(err));
    }
  }

  async startContainer(id: string): Promise<RuntimeResult<void>> {
    try {
      await this.docker.getContainer(id).start();
      return ok(undefined);
    } catch (err) {
      return fail("RunContainerError", messageOf(err));
    }
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    try {
      // Docker sends the stop signal (SIGTERM), waits t seconds, then SIGKILLs.
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.ceil(graceSeconds)) });
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }

  async remove(id: string): Promise<void> {
    this.inspected.delete(id);
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }

  async list(labels: Record<string, string>): Promise<RuntimeContainer[]> {
    const summaries = await this.docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) }),
    });
    const now = Date.now();
    const found = await Promise.all(
      summaries.map(async (s) => {
        // What inspect reports does not change while a container stays in one state, so the
        // PLEG's relist every second inspects only containers that are new or changed state.
        const known = this.inspected.get(s.Id);
        if (known && known.state === s.State) {
          known.seenAt = now;
          return known.container;
        }
        const c = await this.inspect(s.Id);
        // "created" is passing (a start may still fail and set its error): not kept.
        if (c && s.State !== "created") {
          this.inspected.set(s.Id, { state: s.State, container: c, seenAt: now });
        }
        return c;
      }),
    );
    if (now - this.prunedAt > INSPECT_CACHE_MS) {
      this.prunedAt = now;
      for (const [id, k] of this.inspected) if (now - k.seenAt > INSPECT_CACHE_MS) this.inspected.delete(id);
    }
    return found.filter((c): c is RuntimeContainer => c !== undefined);
  }

  async inspect(id: string): Promise<RuntimeContainer | undefined> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(id).inspect();
    } catch (err) {
      if (isGone(err)) return undefined;
      throw err;
    }
    const labels = info.Config.Labels ?? {};
    const state = stateOf(info.State.Status);
    const sandbox = labels[LABELS.type] === "podsandbox";
    const networks = Object.values(info.NetworkSettings.Networks ?? {});
    const ip = networks.find((n) => n.IPAddress)?.IPAddress;
    const devices = info.HostConfig.DeviceRequests?.flatMap((r) => r.DeviceIDs ?? []);
    return {
      id: info.Id,
      name: info.Name.replace(/^\//, ""),
      kind: sandbox ? "sandbox" : "container",
      labels,
      state,
      exitCode: state === "exited" ? info.State.ExitCode : undefined,
      reason: info.State.OOMKilled ? "OOMKilled" : undefined,
      message: info.State.Error || undefined,
      createdAt: Date.parse(info.Created),
      startedAt: time(info.State.StartedAt),
      finishedAt: state === "exited" ? time(info.State.FinishedAt) : undefined,
      image: info.Config.Image,
      imageId: info.Image,
      restartCount: restartCountOf(labels),
      ip: sandbox && state === "running" ? ip || undefined : undefined,
      devices: devices?.length ? devices : undefined,
    };
  }

  async execSync(id: string, command: string[], timeoutMs: number): Promise<RuntimeResult<ExecSyncResult>> {
    let exec: Docker.Exec;
    let stream: NodeJS.ReadableStream;
    try {
      exec = await this.docker
        .getContainer(id)
        .exec({ Cmd: command, AttachStdout: true, AttachStderr: true, Tty: false });
      stream = await exec.start({ hijack: true, stdin: false });
    } catch (err) {
      return fail("ExecError", messageOf(err));
    }
    // Docker multiplexes stdout and stderr on one stream; both go to one buffer, capped.
    const chunks: Buffer[] = [];
    let size = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        if (size < EXEC_OUTPUT_LIMIT) chunks.push(chunk.subarray(0, EXEC_OUTPUT_LIMIT - size));
        size += chunk.length;
        done();
      },
    });
    this.docker.modem.demuxStream(stream, sink, sink);
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      new Promise<"ended">((resolve) => {
        stream.once("end", () => resolve("ended"));
        stream.once("close", () => resolve("ended"));
        stream.once("error", () => resolve("ended"));
      }),
      new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (ended === "timeout") {
      // Docker cannot kill an exec'd process; like dockershim, stop waiting and let it run.
      (stream as unknown as { destroy?: () => void }).destroy?.();
      return fail("ExecTimeout", `command "${command.join(" ")}" timed out after ${timeoutMs}ms`);
    }
    try {
      const info = await exec.inspect();
      return ok({ exitCode: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString("utf8") });
    } catch (err) {
      return fail("ExecError", messageOf(err));
    }
  }

  logs(id: string, opts: LogOptions): Promise<Readable> {
    return dockerLogs(this.docker, id, opts);
  }

  execStream(id: string, opts: ExecStreamOptions): Promise<ExecSession> {
    return dockerExec(this.docker, id, opts);
  }

  stats(id: string): Promise<ContainerUsage | undefined> {
    return dockerStats(this.docker, id);
  }

  /**
   * On a user-defined network Docker points resolv.conf at its embedded DNS server (127.0.0.11),
   * which forwards to `Dns`; like dockershim we write the file Docker made for the sandbox, so
   * pods see the cluster's nameserver as Kubernetes gives it. App containers joined to the
   * sandbox share that file. If it cannot be written (a remote Docker engine, no root), the
   * embedded server still forwards to the same nameservers with the same search path.
   */
  private async writeResolvConf(id: string, dns: NonNullable<SandboxConfig["dns"]>): Promise<void> {
    try {
      const path = (await this.docker.getContainer(id).inspect()).ResolvConfPath;
      if (path) await writeFile(path, formatResolvConf(dns));
    } catch {
      // Docker's own resolv.conf stays: see above.
    }
  }

  private async imageId(image: string): Promise<string | undefined> {
    try {
      return (await this.docker.getImage(image).inspect()).Id;
    } catch (err) {
      if (isGone(err)) return undefined;
      throw err;
    }
  }

  private pull(image: string): Promise<RuntimeResult<void>> {
    // Without a tag the Engine would pull every tag of the repository.
    const ref = /[:@][^/]*$/.test(image) ? image : `${image}:latest`;
    return new Promise((resolve) => {
      this.docker.pull(ref, (err: unknown, stream: NodeJS.ReadableStream | undefined) => {
        if (err || !stream) {
          resolve(fail("ErrImagePull", `failed to pull image "${image}": ${messageOf(err)}`));
          return;
        }
        this.docker.modem.followProgress(stream, (done: Error | null, output: { error?: string }[]) => {
          const failed = done?.message ?? output?.find((o) => o.error)?.error;
          resolve(
            failed ? fail("ErrImagePull", `failed to pull image "${image}": ${failed}`) : ok(undefined),
          );
        });
      });
    });
  }
}

function stateOf(status: string): ContainerStateName {
  switch (status) {
    case "created":
      return "created";
    case "running":
    case "paused":
    case "restarting":
      return "running";
    case "exited":
    case "dead":
    case "removing":
      return "exited";
    default:
      return "unknown";
  }
}

/** Docker's zero time (0001-01-01) means "never". */
function time(text: string | undefined): number | undefined {
  if (!text || text.startsWith("0001-")) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function isGone(err: unknown): boolean {
  const code = (err as { statusCode?: number } | undefined)?.statusCode;
  return code === 404 || code === 304;
}

function messageOf(err: unknown): string {
  const e = err as { json?: { message?: string }; message?: string } | undefined;
  return e?.json?.message ?? e?.message ?? String(err);
}

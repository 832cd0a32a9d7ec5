import { mkdir, open, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Container, Pod } from "@minik8s/api";
import { type Logger, silentLogger } from "@minik8s/client";
import type { PodAdmitter } from "../sync-pod.js";
import { discoverGpus, type GpuDevice, gpuNodeLabels } from "./nvidia-smi.js";

export const GPU_RESOURCE = "nvidia.com/gpu";
/** Where Kubernetes keeps it too: <root-dir>/device-plugins/kubelet_internal_checkpoint. */
export const CHECKPOINT_FILE = join("device-plugins", "kubelet_internal_checkpoint.json");

/** `--gpus`: auto (ask nvidia-smi), N simulated devices, or none (no nvidia.com/gpu at all). */
export type GpuMode = { kind: "auto" } | { kind: "simulated"; count: number } | { kind: "none" };

export function parseGpuMode(text: string): GpuMode | string {
  if (text === "auto" || text === "none") return { kind: text };
  const n = Number(text);
  if (/^\d+$/.test(text) && Number.isSafeInteger(n)) return { kind: "simulated", count: n };
  return `--gpus: want auto, none or a number of simulated GPUs, got ${JSON.stringify(text)}`;
}

/** The devices `mode` stands for; simulated ones are named sim-gpu-0, sim-gpu-1 ... */
export async function devicesFor(mode: GpuMode, discover = discoverGpus): Promise<GpuDevice[] | undefined> {
  if (mode.kind === "none") return undefined;
  if (mode.kind === "auto") return discover();
  return Array.from({ length: mode.count }, (_, index) => ({
    index,
    id: `sim-gpu-${index}`,
    name: "minik8s Simulated GPU",
    memoryMiB: 16384,
  }));
}

export function isSimulatedDevice(id: string): boolean {
  return id.startsWith("sim-gpu-");
}

interface Allocation {
  podUid: string;
  containerName: string;
  deviceIds: string[];
}

interface Checkpoint {
  version: 1;
  allocations: Allocation[];
}

/** How many GPUs a container asks for (extended resources are whole numbers, limits = requests). */
export function gpusRequested(c: Container): number {
  const text = c.resources?.limits?.[GPU_RESOURCE] ?? c.resources?.requests?.[GPU_RESOURCE];
  const n = Number(text ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * Kubernetes' device manager for one resource, nvidia.com/gpu, without the plugin protocol:
 * it knows the node's devices, gives each container that asks for K of them K specific ones
 * nobody else holds, and checkpoints every assignment (a JSON file replaced atomically) before
 * the container may start, so a restarted kubelet reloads it and never hands a device to two
 * pods. Where it differs: init containers get devices of their own rather than lending theirs
 * to the app containers.
 */
export class DeviceManager implements PodAdmitter {
  private allocations: Allocation[] = [];
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly devices: GpuDevice[],
    private readonly path: string,
    private readonly log: Logger,
  ) {}

  /** Loads the checkpoint under `rootDir` (a missing file is an empty one; a garbled one is an error). */
  static async open(
    rootDir: string,
    devices: GpuDevice[],
    log: Logger = silentLogger,
  ): Promise<DeviceManager> {
    const manager = new DeviceManager(devices, join(rootDir, CHECKPOINT_FILE), log);
    let text: string | undefined;
    try {
      text = await readFile(manager.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    if (text !== undefined) {
      const parsed = JSON.parse(text) as Checkpoint;
      if (parsed.version !== 1 || !Array.isArray(parsed.allocations)) {
        throw new Error(`${manager.path}: not a device manager checkpoint (version 1)`);
      }
      manager.allocations = parsed.allocations;
      log.info({ allocations: parsed.allocations.length, path: manager.path }, "restored device assignments");
    }
    return manager;
  }

  get capacity(): number {
    return this.devices.length;
  }

  /** nvidia.com/gpu.product, .memory and .count, as GPU feature discovery labels a node. */
  nodeLabels(): Record<string, string> {
    return gpuNodeLabels(this.devices);
  }

  /** Device IDs not held by any pod. */
  free(): string[] {
    const held = new Set(this.allocations.flatMap((a) => a.deviceIds));
    return this.devices.map((d) => d.id).filter((id) => !held.has(id));
  }

  async admit(pod: Pod): Promise<{ ok: true } | { ok: false; reason: string; message: string }> {
    const uid = pod.metadata.uid ?? "";
    const wants = [...(pod.spec.initContainers ?? []), ...pod.spec.containers]
      .map((c) => ({ name: c.name, count: gpusRequested(c) }))
      .filter((w) => w.count > 0 && !this.devicesFor(uid, w.name));
    const needed = wants.reduce((sum, w) => sum + w.count, 0);
    if (needed === 0) return { ok: true };
    const free = this.free();
    if (needed > free.length) {
      const used = this.capacity - free.length;
      return {
        ok: false,
        reason: `OutOf${GPU_RESOURCE}`,
        message: `Node didn't have enough resource: ${GPU_RESOURCE}, requested: ${needed}, used: ${used}, capacity: ${this.capacity}`,
      };
    }
    const added: Allocation[] = [];
    for (const w of wants) {
      added.push({ podUid: uid, containerName: w.name, deviceIds: free.splice(0, w.count) });
    }
    this.allocations.push(...added);
    try {
      await this.save();
    } catch (err) {
      this.allocations = this.allocations.filter((a) => !added.includes(a));
      return {
        ok: false,
        reason: "UnexpectedAdmissionError",
        message: `Allocate failed due to checkpoint write failed: ${(err as Error).message}, which is unexpected`,
      };
    }
    for (const a of added) {
      this.log.info(
        {
          pod: `${pod.metadata.namespace}/${pod.metadata.name}`,
          container: a.containerName,
          devices: a.deviceIds,
        },
        "allocated GPUs",
      );
    }
    return { ok: true };
  }

  devicesFor(podUid: string, containerName: string): string[] | undefined {
    return this.allocations.find((a) => a.podUid === podUid && a.containerName === containerName)?.deviceIds;
  }

  async release(podUid: string): Promise<void> {
    if (!this.allocations.some((a) => a.podUid === podUid)) return;
    this.allocations = this.allocations.filter((a) => a.podUid !== podUid);
    this.log.info({ uid: podUid }, "released GPUs");
    await this.save();
  }

  /** Drops the assignments of pods not in `podUids` (pods deleted while the kubelet was away). */
  async retainOnly(podUids: Set<string>): Promise<void> {
    const before = this.allocations.length;
    this.allocations = this.allocations.filter((a) => podUids.has(a.podUid));
    if (this.allocations.length !== before) await this.save();
  }

  /** Writes are queued so that the file always ends with the latest assignments. */
  private save(): Promise<void> {
    const snapshot: Checkpoint = { version: 1, allocations: this.allocations.map((a) => ({ ...a })) };
    const write = this.writing.then(() =>
      writeAtomically(this.path, `${JSON.stringify(snapshot, null, 2)}\n`),
    );
    this.writing = write.catch(() => {});
    return write;
  }
}

/** Write a temporary file, flush it to disk, rename it over the old one: readers see old or new, never half. */
async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  const handle = await open(tmp, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

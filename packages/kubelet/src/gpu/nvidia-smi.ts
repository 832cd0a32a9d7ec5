import { execFile } from "node:child_process";

/** One GPU as `nvidia-smi` reports it; `id` is what Docker's DeviceRequests and NVIDIA_VISIBLE_DEVICES take. */
export interface GpuDevice {
  index: number;
  /** `GPU-8c3f…`: stable across reboots, unlike the index. */
  id: string;
  name: string;
  memoryMiB: number;
}

/** The query the kubelet runs; one CSV line per GPU, no header. */
export const NVIDIA_SMI_ARGS = ["--query-gpu=index,uuid,name,memory.total", "--format=csv,noheader"];

export class GpuDiscoveryError extends Error {
  constructor(
    message: string,
    readonly line?: string,
  ) {
    super(line === undefined ? message : `${message}: ${JSON.stringify(line)}`);
    this.name = "GpuDiscoveryError";
  }
}

/**
 * Parse `nvidia-smi --query-gpu=index,uuid,name,memory.total --format=csv,noheader`, e.g.
 * `0, GPU-5b1e…, NVIDIA H100 80GB HBM3, 81559 MiB`. Names may contain commas only in theory;
 * the name is everything between the uuid and the last field.
 */
export function parseNvidiaSmi(output: string): GpuDevice[] {
  const devices: GpuDevice[] = [];
  for (const raw of output.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    const fields = line.split(",").map((f) => f.trim());
    if (fields.length < 4) throw new GpuDiscoveryError("nvidia-smi line has fewer than 4 fields", line);
    const index = Number(fields[0]);
    const id = fields[1]!;
    const memory = fields.at(-1)!;
    const name = fields.slice(2, -1).join(", ");
    const mib = /^(\d+)\s*MiB$/.exec(memory);
    if (!Number.isInteger(index) || index < 0) throw new GpuDiscoveryError("bad GPU index", line);
    if (!id.startsWith("GPU-")) throw new GpuDiscoveryError("bad GPU uuid", line);
    if (!mib) throw new GpuDiscoveryError("bad GPU memory (want N MiB)", line);
    devices.push({ index, id, name, memoryMiB: Number(mib[1]) });
  }
  return devices.sort((a, b) => a.index - b.index);
}

/**
 * The GPUs of this machine. No `nvidia-smi` means no GPUs (zero, not an error), as on any
 * machine without the NVIDIA driver; an `nvidia-smi` that fails or prints nonsense is an error.
 */
export function discoverGpus(command = "nvidia-smi", timeoutMs = 10_000): Promise<GpuDevice[]> {
  return new Promise((resolve, reject) => {
    execFile(command, NVIDIA_SMI_ARGS, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === "ENOENT") return resolve([]);
      if (err) return reject(new GpuDiscoveryError(`${command} failed: ${stderr.trim() || err.message}`));
      try {
        resolve(parseNvidiaSmi(stdout));
      } catch (parseError) {
        reject(parseError);
      }
    });
  });
}

/** The node labels Kubernetes' GPU feature discovery sets, from the devices found. */
export function gpuNodeLabels(devices: GpuDevice[]): Record<string, string> {
  if (devices.length === 0) return {};
  const first = devices[0]!;
  return {
    "nvidia.com/gpu.product": first.name.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[-_.]+|[-_.]+$/g, ""),
    "nvidia.com/gpu.memory": String(first.memoryMiB),
    "nvidia.com/gpu.count": String(devices.length),
  };
}

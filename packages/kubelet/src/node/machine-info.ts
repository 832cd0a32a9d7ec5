import { readFileSync } from "node:fs";
import { arch, cpus, hostname, networkInterfaces, release, totalmem } from "node:os";
import type { NodeAddress } from "@minik8s/api";

/** What a node says about the machine under it: cAdvisor's MachineInfo and the OS facts. */
export interface MachineInfo {
  cpuCores: number;
  memoryBytes: number;
  hostname: string;
  internalIP: string;
  kernelVersion: string;
  osImage: string;
  /** Go's GOARCH words: amd64, arm64. */
  architecture: string;
  machineID: string;
  bootID: string;
}

/**
 * A made-up machine for a node on the simulated runtime (tests, a cluster explored without
 * Docker): the name is its hostname and the root of its machine and boot IDs.
 */
export function simulatedMachine(
  name: string,
  internalIP: string,
  size: { cpuCores?: number; memoryBytes?: number } = {},
): MachineInfo {
  return {
    cpuCores: size.cpuCores ?? 4,
    memoryBytes: size.memoryBytes ?? 8 * 1024 ** 3,
    hostname: name,
    internalIP,
    kernelVersion: "6.1.0-sim",
    osImage: "sim",
    architecture: "amd64",
    machineID: `m-${name}`,
    bootID: `b-${name}`,
  };
}

const GOARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386" };

/** The machine this process runs on. `nodeIP` wins over the first non-loopback IPv4 address. */
export function localMachineInfo(nodeIP?: string): MachineInfo {
  return {
    cpuCores: cpus().length,
    memoryBytes: totalmem(),
    hostname: hostname(),
    internalIP: nodeIP ?? firstIPv4() ?? "127.0.0.1",
    kernelVersion: release(),
    osImage: osImage(),
    architecture: GOARCH[arch()] ?? arch(),
    machineID: readTrimmed("/etc/machine-id"),
    bootID: readTrimmed("/proc/sys/kernel/random/boot_id"),
  };
}

export function nodeAddresses(info: MachineInfo): NodeAddress[] {
  return [
    { type: "InternalIP", address: info.internalIP },
    { type: "Hostname", address: info.hostname },
  ];
}

function firstIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const addr of list ?? []) if (addr.family === "IPv4" && !addr.internal) return addr.address;
  }
  return undefined;
}

function osImage(): string {
  const text = readTrimmed("/etc/os-release");
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
  return pretty?.[1] ?? "Unknown";
}

function readTrimmed(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}

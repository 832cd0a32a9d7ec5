import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discoverGpus, gpuNodeLabels, parseNvidiaSmi } from "../../src/gpu/nvidia-smi.js";

// Captured from a real H100 machine with the same query the kubelet runs.
const H100 = readFileSync(new URL("./fixtures/nvidia-smi-h100.csv", import.meta.url), "utf8");

describe("nvidia-smi discovery", () => {
  const dir = mkdtempSync(join(tmpdir(), "minik8s-gpu-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fakeSmi = (name: string, script: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
    return path;
  };

  it("reads a real H100's answer", () => {
    expect(parseNvidiaSmi(H100)).toEqual([
      {
        index: 0,
        id: "GPU-ee647f15-24ac-dfa3-0ec2-ca47b07ebd1c",
        name: "NVIDIA H100 80GB HBM3",
        memoryMiB: 81559,
      },
    ]);
  });

  it("orders several GPUs by index and labels the node as GPU feature discovery does", () => {
    const devices = parseNvidiaSmi(
      "1, GPU-bbbb, NVIDIA A100-SXM4-40GB, 40960 MiB\n0, GPU-aaaa, NVIDIA A100-SXM4-40GB, 40960 MiB\n",
    );
    expect(devices.map((d) => d.id)).toEqual(["GPU-aaaa", "GPU-bbbb"]);
    expect(gpuNodeLabels(devices)).toEqual({
      "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB",
      "nvidia.com/gpu.memory": "40960",
      "nvidia.com/gpu.count": "2",
    });
    expect(gpuNodeLabels([])).toEqual({});
  });

  it("refuses a line it cannot read, naming it", () => {
    expect(() => parseNvidiaSmi("0, not-a-uuid, Tesla, 100 MiB")).toThrow(/bad GPU uuid: "0, not-a-uuid/);
    expect(() => parseNvidiaSmi("0, GPU-x, Tesla")).toThrow(/fewer than 4 fields/);
  });

  it("finds no GPUs, without an error, where nvidia-smi is not installed", async () => {
    await expect(discoverGpus(join(dir, "no-such-nvidia-smi"))).resolves.toEqual([]);
  });

  it("runs nvidia-smi with the query and parses what it prints", async () => {
    const smi = fakeSmi(
      "ok-smi",
      `[ "$1" = "--query-gpu=index,uuid,name,memory.total" ] || exit 9\nprintf '%s' '${H100.trim()}'`,
    );
    await expect(discoverGpus(smi)).resolves.toHaveLength(1);
  });

  it("reports an nvidia-smi that fails, with what it said", async () => {
    const smi = fakeSmi(
      "broken-smi",
      'echo "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver" >&2; exit 9',
    );
    await expect(discoverGpus(smi)).rejects.toThrow(/couldn't communicate with the NVIDIA driver/);
  });
});

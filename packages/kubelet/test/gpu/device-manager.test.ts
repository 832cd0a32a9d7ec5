import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CHECKPOINT_FILE,
  DeviceManager,
  devicesFor,
  type GpuMode,
  parseGpuMode,
} from "../../src/gpu/device-manager.js";
import { app, makePod, SyncHarness } from "../sync-harness.js";

const gpuApp = (name: string, n: number) =>
  app(name, { resources: { limits: { "nvidia.com/gpu": String(n) } } });

describe("device manager", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "devices-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const twoGpus = async () => (await devicesFor({ kind: "simulated", count: 2 }))!;

  it("parses --gpus and names simulated devices", async () => {
    expect(parseGpuMode("auto")).toEqual({ kind: "auto" });
    expect(parseGpuMode("none")).toEqual({ kind: "none" });
    expect(parseGpuMode("3")).toEqual({ kind: "simulated", count: 3 });
    expect(parseGpuMode("lots")).toMatch(/want auto, none or a number/);
    expect((await twoGpus()).map((d) => d.id)).toEqual(["sim-gpu-0", "sim-gpu-1"]);
    expect(await devicesFor({ kind: "none" } as GpuMode)).toBeUndefined();
    const found = await devicesFor({ kind: "auto" }, async () => [
      { index: 0, id: "GPU-abc", name: "NVIDIA H100 80GB HBM3", memoryMiB: 81559 },
    ]);
    expect(found?.[0]?.id).toBe("GPU-abc");
  });

  it("gives each container its own devices and refuses a pod asking for more than is free", async () => {
    const dm = await DeviceManager.open(dir, await twoGpus());
    expect(dm.nodeLabels()).toMatchObject({ "nvidia.com/gpu.count": "2" });
    const a = makePod("a", { containers: [gpuApp("train", 1)] });
    const b = makePod("b", { containers: [gpuApp("train", 2)] });
    expect(await dm.admit(a)).toEqual({ ok: true });
    expect(dm.devicesFor(a.metadata.uid!, "train")).toEqual(["sim-gpu-0"]);
    expect(await dm.admit(b)).toEqual({
      ok: false,
      reason: "OutOfnvidia.com/gpu",
      message: "Node didn't have enough resource: nvidia.com/gpu, requested: 2, used: 1, capacity: 2",
    });
    // Admitting the same pod again keeps its devices.
    expect(await dm.admit(a)).toEqual({ ok: true });
    expect(dm.free()).toEqual(["sim-gpu-1"]);
    await dm.release(a.metadata.uid!);
    expect(await dm.admit(b)).toEqual({ ok: true });
    expect(dm.devicesFor(b.metadata.uid!, "train")).toEqual(["sim-gpu-0", "sim-gpu-1"]);
  });

  it("restores assignments from the checkpoint, so a restart never gives one device to two pods", async () => {
    const first = await DeviceManager.open(dir, await twoGpus());
    const a = makePod("a", { containers: [gpuApp("train", 1)] });
    await first.admit(a);
    const saved = JSON.parse(await readFile(join(dir, CHECKPOINT_FILE), "utf8"));
    expect(saved).toEqual({
      version: 1,
      allocations: [{ podUid: a.metadata.uid, containerName: "train", deviceIds: ["sim-gpu-0"] }],
    });

    const restarted = await DeviceManager.open(dir, await twoGpus());
    const b = makePod("b", { containers: [gpuApp("train", 1)] });
    const c = makePod("c", { containers: [gpuApp("train", 1)] });
    expect(await restarted.admit(b)).toEqual({ ok: true });
    expect(restarted.devicesFor(b.metadata.uid!, "train")).toEqual(["sim-gpu-1"]);
    expect((await restarted.admit(c)).ok).toBe(false);
    expect(await restarted.admit(a)).toEqual({ ok: true });
    expect(restarted.devicesFor(a.metadata.uid!, "train")).toEqual(["sim-gpu-0"]);
    await restarted.retainOnly(new Set([b.metadata.uid!]));
    expect(restarted.free()).toEqual(["sim-gpu-0"]);
  });

  it("refuses to start from a checkpoint it cannot read", async () => {
    await mkdir(join(dir, "device-plugins"));
    await writeFile(join(dir, CHECKPOINT_FILE), JSON.stringify({ version: 7 }));
    await expect(DeviceManager.open(dir, [])).rejects.toThrow(/not a device manager checkpoint/);
  });

  it("through the kubelet: a GPU pod gets its devices, one that does not fit is Failed", async () => {
    const dm = await DeviceManager.open(dir, await twoGpus());
    const h = new SyncHarness(dm);
    const a = makePod("a", { containers: [gpuApp("train", 2)] });
    await h.sync(a);
    const train = h.sim.running(a.metadata.uid!, "train")!;
    expect(train.devices).toEqual(["sim-gpu-0", "sim-gpu-1"]);
    expect(h.sim.configOf(train.id)?.env.NVIDIA_VISIBLE_DEVICES).toBe("sim-gpu-0,sim-gpu-1");
    const b = makePod("b", { containers: [gpuApp("train", 1)] });
    await h.sync(b);
    expect(h.status(b)).toMatchObject({
      phase: "Failed",
      reason: "OutOfnvidia.com/gpu",
      message:
        "Pod was rejected: Node didn't have enough resource: nvidia.com/gpu, requested: 1, used: 2, capacity: 2",
    });
    expect(h.containers(b)).toEqual([]);
    // When the first pod finishes its devices come back.
    await h.syncer.sync(a.metadata.uid!, undefined);
    expect(dm.free()).toEqual(["sim-gpu-0", "sim-gpu-1"]);
  });
});

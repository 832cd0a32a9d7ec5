import { describe, expect, it } from "vitest";
import { defaultSchedulerConfig, GPU_BINPACK_SCHEDULER_NAME, profilesFromConfig } from "../../src/config.js";
import { gpuBinPacking } from "../../src/plugins/gpu-bin-packing.js";
import { info, node, pod, scoresOf, snapshot } from "../framework/fixtures.js";

const cluster = () => [
  info(node("idle-8", { gpu: "8" })),
  info(node("partly-4", { gpu: "4" }), [pod("job", { gpu: "2", nodeName: "partly-4" })]),
  info(node("cpu-1")),
  info(node("cpu-2")),
];

describe("GPUBinPacking", () => {
  it("prefers GPU nodes whose GPUs are already partly used", () => {
    const s = scoresOf(gpuBinPacking(), pod("p", { gpu: "1" }), cluster().slice(0, 2));
    // partly-4: 3/4 → 75; idle-8: 1/8 → 12
    expect(s).toEqual({ "idle-8": 12, "partly-4": 75 });
  });

  it("keeps pods that need no GPU off GPU nodes", () => {
    const s = scoresOf(gpuBinPacking(), pod("web", { cpu: "100m" }), cluster());
    expect(s).toEqual({ "idle-8": 0, "partly-4": 0, "cpu-1": 100, "cpu-2": 100 });
    expect(scoresOf(gpuBinPacking({ avoidGPUNodesForNonGPUPods: false }), pod("web"), cluster())).toEqual({
      "idle-8": 0,
      "partly-4": 0,
      "cpu-1": 0,
      "cpu-2": 0,
    });
  });

  it("in the gpu-binpack profile, packs GPU pods and still spreads CPU pods over CPU nodes", () => {
    const fw = profilesFromConfig(defaultSchedulerConfig(), { random: () => 0 }).get(
      GPU_BINPACK_SCHEDULER_NAME,
    )!;
    const snap = snapshot(...cluster());
    expect(fw.schedule(pod("train", { gpu: "2", cpu: "1" }), snap).node).toBe("partly-4");
    const web = fw.schedule(pod("web", { cpu: "500m" }), snap);
    expect(web.node).toMatch(/^cpu-/);
    // A CPU pod still lands on a GPU node when no other node fits.
    expect(
      fw.schedule(pod("huge", { cpu: "3500m" }), snapshot(cluster()[0]!, info(node("tiny", { cpu: "1" }))))
        .node,
    ).toBe("idle-8");
  });

  it("is absent from the default profile: there, spreading wins", () => {
    const fw = profilesFromConfig(defaultSchedulerConfig(), { random: () => 0 }).get("default-scheduler")!;
    expect(fw.pluginNames("score")).not.toContain("GPUBinPacking");
    expect(fw.schedule(pod("train", { gpu: "2", cpu: "1" }), snapshot(...cluster())).node).toBe("idle-8");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pod, TestServer } from "./helpers.js";

/** DefaultTolerationSeconds admission: every new pod tolerates a lost node for a while. */
let api: TestServer;
let short: TestServer;

beforeAll(async () => {
  api = await TestServer.start();
  short = await TestServer.start({ defaultTolerations: { notReadySeconds: 7, unreachableSeconds: 9 } });
});

afterAll(async () => {
  await api?.close();
  await short?.close();
});

const PODS = "/api/v1/namespaces/default/pods";
const APP = [{ name: "app", image: "nginx:1.25" }];
const notReady = (seconds: number) => ({
  key: "node.kubernetes.io/not-ready",
  operator: "Exists",
  effect: "NoExecute",
  tolerationSeconds: seconds,
});
const unreachable = (seconds: number) => ({
  key: "node.kubernetes.io/unreachable",
  operator: "Exists",
  effect: "NoExecute",
  tolerationSeconds: seconds,
});

describe("DefaultTolerationSeconds", () => {
  it("adds 300 s tolerations of not-ready and unreachable to a pod without them", async () => {
    const created = await api.create(PODS, pod("dts-plain"));
    expect(created.spec.tolerations).toEqual([notReady(300), unreachable(300)]);
    // What is stored is what the create answered.
    const read = (await api.get(`${PODS}/dts-plain`)).body;
    expect(read.spec.tolerations).toEqual(created.spec.tolerations);
  });

  it("keeps the pod's own tolerations and adds only what they leave out", async () => {
    const own = {
      key: "node.kubernetes.io/unreachable",
      operator: "Exists",
      effect: "NoExecute",
      tolerationSeconds: 2,
    };
    const gpu = { key: "gpu", operator: "Exists", effect: "NoSchedule" };
    const created = await api.create(
      PODS,
      pod("dts-own", { spec: { containers: APP, tolerations: [gpu, own] } }),
    );
    expect(created.spec.tolerations).toEqual([gpu, own, notReady(300)]);
  });

  it("counts a toleration of every key, or of every effect, as already tolerating", async () => {
    const everything = { operator: "Exists" };
    const created = await api.create(
      PODS,
      pod("dts-all", { spec: { containers: APP, tolerations: [everything] } }),
    );
    expect(created.spec.tolerations).toEqual([everything]);
    const noEffect = { key: "node.kubernetes.io/not-ready", operator: "Exists" };
    const second = await api.create(
      PODS,
      pod("dts-noeffect", { spec: { containers: APP, tolerations: [noEffect] } }),
    );
    expect(second.spec.tolerations).toEqual([noEffect, unreachable(300)]);
  });

  it("does not count a NoSchedule toleration of the same key", async () => {
    const noSchedule = { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoSchedule" };
    const created = await api.create(
      PODS,
      pod("dts-nosched", { spec: { containers: APP, tolerations: [noSchedule] } }),
    );
    expect(created.spec.tolerations).toEqual([noSchedule, notReady(300), unreachable(300)]);
  });

  it("takes its seconds from the apiserver's options", async () => {
    const created = await short.create(PODS, pod("dts-short"));
    expect(created.spec.tolerations).toEqual([notReady(7), unreachable(9)]);
  });
});

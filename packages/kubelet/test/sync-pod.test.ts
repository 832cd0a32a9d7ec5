import { describe, expect, it } from "vitest";
import { goDuration } from "../src/sync-pod.js";
import { app, makePod, SyncHarness } from "./sync-harness.js";

describe("syncPod: a pod starts", () => {
  it("creates the sandbox and containers and reports Running in Kubernetes' shape", async () => {
    const h = new SyncHarness();
    const pod = makePod("web", { containers: [app("a"), app("b")] });
    expect(await h.sync(pod)).toEqual({});
    const s = h.status(pod);
    const [sandbox] = h.containers(pod).filter((c) => c.kind === "sandbox");
    const a = h.containers(pod).find((c) => c.labels["io.kubernetes.container.name"] === "a")!;
    expect(s.phase).toBe("Running");
    expect(s.podIP).toBe(sandbox!.ip);
    expect(s.podIPs).toEqual([{ ip: sandbox!.ip }]);
    expect(s.hostIP).toBe("192.0.2.10");
    expect(s.startTime).toBe("2024-01-01T00:00:00Z");
    expect(s.qosClass).toBe("BestEffort");
    expect(s.conditions).toEqual([
      { type: "Initialized", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z" },
      { type: "Ready", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z" },
      { type: "ContainersReady", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z" },
      { type: "PodScheduled", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z" },
    ]);
    expect(s.containerStatuses?.[0]).toEqual({
      name: "a",
      state: { running: { startedAt: "2024-01-01T00:00:00Z" } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: "minik8s/busybox:1",
      imageID: `sim://${a.imageId}`,
      containerID: `sim://${a.id}`,
      started: true,
    });
    expect(a.labels).toMatchObject({
      "io.kubernetes.pod.uid": pod.metadata.uid,
      "io.kubernetes.pod.namespace": "default",
      "io.kubernetes.pod.name": "web",
      "io.kubernetes.container.name": "a",
      "io.kubernetes.container.restartCount": "0",
      "minik8s.io/node": "node-a",
    });
    // Nothing changed: a second sync starts nothing and writes the same status.
    await h.sync(pod);
    expect(h.containers(pod)).toHaveLength(3);
  });

  it("resolves env values, fieldRefs and $(VAR) in command and args", async () => {
    const h = new SyncHarness();
    const pod = makePod("env", {
      containers: [
        app("a", {
          command: ["sh", "-c"],
          args: ["echo $(GREETING) $(UNSET) $$(ESCAPED)"],
          env: [
            { name: "WHO", value: "world" },
            { name: "GREETING", value: "hello $(WHO)" },
            { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
            { name: "IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
            { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
          ],
          resources: { limits: { cpu: "500m", memory: "64Mi" } },
        }),
      ],
    });
    await h.sync(pod);
    const a = h.sim.running(pod.metadata.uid!, "a")!;
    const config = h.sim.configOf(a.id)!;
    expect(config.env).toEqual({
      WHO: "world",
      GREETING: "hello world",
      POD: "env",
      NS: "default",
      IP: h.status(pod).podIP,
      NODE: "node-a",
    });
    expect(config.args).toEqual(["echo hello world $(UNSET) $(ESCAPED)"]);
    expect(config).toMatchObject({ cpuMillis: 500, memoryBytes: 64 * 1024 * 1024 });
  });

  it("reports a config it cannot resolve as CreateContainerConfigError", async () => {
    const h = new SyncHarness();
    const pod = makePod("cm", {
      containers: [
        app("a", { env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "c", key: "k" } } }] }),
      ],
    });
    expect(await h.sync(pod)).toEqual({ requeueAfterMs: 2_000 });
    expect(h.status(pod).phase).toBe("Pending");
    expect(h.status(pod).containerStatuses?.[0]?.state?.waiting).toEqual({
      reason: "CreateContainerConfigError",
      message: 'configmap "c" not found',
    });
  });
});

describe("syncPod: restart policy and CrashLoopBackOff", () => {
  it("backs off 10 s, 20 s, 40 s between restarts, and resets after 10 minutes of running", async () => {
    const h = new SyncHarness();
    const pod = makePod("crash", { containers: [app("c")] });
    await h.sync(pod);
    const uid = pod.metadata.uid!;
    for (const [restarts, delay] of [
      [0, 10_000],
      [1, 20_000],
      [2, 40_000],
    ] as const) {
      h.sim.exitContainer(uid, "c", 1);
      expect(await h.sync(pod)).toEqual({ requeueAfterMs: delay });
      const cs = h.status(pod).containerStatuses![0]!;
      expect(cs.state).toEqual({
        waiting: {
          reason: "CrashLoopBackOff",
          message: `back-off ${goDuration(delay)} restarting failed container=c pod=crash_default(${uid})`,
        },
      });
      expect(cs.lastState?.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
      expect(cs.restartCount).toBe(restarts);
      expect(h.status(pod).phase).toBe("Running");
      expect(h.status(pod).conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
      h.clock.advance(delay - 1_000);
      expect(await h.sync(pod)).toEqual({ requeueAfterMs: 1_000 });
      expect(h.sim.running(uid, "c")).toBeUndefined();
      h.clock.advance(1_000);
      expect(await h.sync(pod)).toEqual({});
      expect(h.status(pod).containerStatuses![0]!.restartCount).toBe(restarts + 1);
      expect(h.status(pod).containerStatuses![0]!.state?.running).toBeDefined();
    }
    // Only the running instance and the last dead one are kept.
    expect(h.containers(pod).filter((c) => c.kind === "container")).toHaveLength(2);
    h.clock.advance(10 * 60_000);
    h.sim.exitContainer(uid, "c", 1);
    expect(await h.sync(pod)).toEqual({ requeueAfterMs: 10_000 });
  });

  it("Never: a failed container fails the pod and stops its sandbox", async () => {
    const h = new SyncHarness();
    const pod = makePod("never", { restartPolicy: "Never", containers: [app("c")] });
    await h.sync(pod);
    h.sim.exitContainer(pod.metadata.uid!, "c", 2);
    await h.sync(pod);
    expect(h.status(pod).phase).toBe("Failed");
    expect(h.status(pod).containerStatuses![0]!.state?.terminated).toMatchObject({
      exitCode: 2,
      reason: "Error",
    });
    expect(h.status(pod).conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "PodCompleted",
    });
    expect(h.containers(pod).every((c) => c.state === "exited")).toBe(true);
    await h.sync(pod);
    expect(h.containers(pod)).toHaveLength(2);
  });

  it("OnFailure: exit 0 succeeds the pod, a failure restarts", async () => {
    const h = new SyncHarness();
    const ok = makePod("job-ok", { restartPolicy: "OnFailure", containers: [app("c")] });
    await h.sync(ok);
    h.sim.exitContainer(ok.metadata.uid!, "c", 0);
    await h.sync(ok);
    expect(h.status(ok).phase).toBe("Succeeded");
    expect(h.status(ok).containerStatuses![0]!.state?.terminated?.reason).toBe("Completed");

    const bad = makePod("job-bad", { restartPolicy: "OnFailure", containers: [app("c")] });
    await h.sync(bad);
    h.sim.exitContainer(bad.metadata.uid!, "c", 1);
    expect(await h.sync(bad)).toEqual({ requeueAfterMs: 10_000 });
    h.clock.advance(10_000);
    await h.sync(bad);
    expect(h.status(bad).containerStatuses![0]).toMatchObject({ restartCount: 1, ready: true });
  });

  it("Always: even exit 0 restarts", async () => {
    const h = new SyncHarness();
    const pod = makePod("always", { containers: [app("c")] });
    await h.sync(pod);
    h.sim.exitContainer(pod.metadata.uid!, "c", 0);
    expect(await h.sync(pod)).toEqual({ requeueAfterMs: 10_000 });
    expect(h.status(pod).phase).toBe("Running");
  });

  it("a dead sandbox is replaced and the containers start again inside the new one", async () => {
    const h = new SyncHarness();
    const pod = makePod("sb", { containers: [app("c")] });
    await h.sync(pod);
    const [first] = h.containers(pod).filter((c) => c.kind === "sandbox");
    h.sim.exit(first!.id, 0);
    await h.sync(pod);
    const sandboxes = h.containers(pod).filter((c) => c.kind === "sandbox");
    expect(sandboxes).toHaveLength(1);
    expect(sandboxes[0]!.labels["minik8s.io/attempt"]).toBe("1");
    expect(h.status(pod).podIP).toBe(sandboxes[0]!.ip);
    expect(h.status(pod).containerStatuses![0]).toMatchObject({ restartCount: 1, ready: true });
  });
});

describe("syncPod: init containers, images, deletion, orphans", () => {
  it("runs init containers one at a time, in order, before the app containers", async () => {
    const h = new SyncHarness();
    const pod = makePod("init", { initContainers: [app("i1"), app("i2")], containers: [app("a")] });
    const uid = pod.metadata.uid!;
    await h.sync(pod);
    expect(h.sim.running(uid, "i1")).toBeDefined();
    expect(h.sim.running(uid, "i2")).toBeUndefined();
    expect(h.status(pod).phase).toBe("Pending");
    expect(h.status(pod).conditions?.[0]).toMatchObject({
      type: "Initialized",
      status: "False",
      reason: "ContainersNotInitialized",
      message: "containers with incomplete status: [i1 i2]",
    });
    expect(h.status(pod).containerStatuses![0]!.state).toEqual({ waiting: { reason: "PodInitializing" } });
    h.sim.exitContainer(uid, "i1", 0);
    await h.sync(pod);
    expect(h.sim.running(uid, "i2")).toBeDefined();
    expect(h.sim.running(uid, "a")).toBeUndefined();
    h.sim.exitContainer(uid, "i2", 0);
    await h.sync(pod);
    expect(h.sim.running(uid, "a")).toBeDefined();
    expect(h.status(pod).phase).toBe("Running");
    expect(h.status(pod).initContainerStatuses?.map((s) => s.state?.terminated?.reason)).toEqual([
      "Completed",
      "Completed",
    ]);
  });

  it("a failed init container fails a Never pod and is retried with backoff otherwise", async () => {
    const h = new SyncHarness();
    const never = makePod("init-never", {
      restartPolicy: "Never",
      initContainers: [app("i")],
      containers: [app("a")],
    });
    await h.sync(never);
    h.sim.exitContainer(never.metadata.uid!, "i", 1);
    await h.sync(never);
    expect(h.status(never).phase).toBe("Failed");
    expect(h.sim.running(never.metadata.uid!, "a")).toBeUndefined();

    const always = makePod("init-always", { initContainers: [app("i")], containers: [app("a")] });
    await h.sync(always);
    h.sim.exitContainer(always.metadata.uid!, "i", 1);
    expect(await h.sync(always)).toEqual({ requeueAfterMs: 10_000 });
    expect(h.status(always).phase).toBe("Pending");
    expect(h.status(always).initContainerStatuses![0]!.state?.waiting?.reason).toBe("CrashLoopBackOff");
  });

  it("ErrImagePull, then ImagePullBackOff, then runs once the image can be pulled", async () => {
    const h = new SyncHarness();
    h.sim.failPull("missing:1");
    const pod = makePod("img", { containers: [app("c", { image: "missing:1" })] });
    expect(await h.sync(pod)).toEqual({ requeueAfterMs: 10_000 });
    expect(h.status(pod).containerStatuses![0]!.state?.waiting).toMatchObject({ reason: "ErrImagePull" });
    expect(h.status(pod).phase).toBe("Pending");
    h.clock.advance(5_000);
    expect(await h.sync(pod)).toEqual({ requeueAfterMs: 5_000 });
    expect(h.status(pod).containerStatuses![0]!.state?.waiting).toEqual({
      reason: "ImagePullBackOff",
      message: 'Back-off pulling image "missing:1"',
    });
    h.clock.advance(5_000);
    expect(await h.sync(pod)).toEqual({ requeueAfterMs: 20_000 });
    h.sim.allowPull("missing:1");
    h.clock.advance(20_000);
    await h.sync(pod);
    expect(h.status(pod).phase).toBe("Running");
    expect(h.sim.pulls).toEqual(["missing:1", "missing:1", "missing:1"]);
  });

  it("Never pull policy with the image absent is ErrImageNeverPull", async () => {
    const h = new SyncHarness();
    const pod = makePod("np", { containers: [app("c", { image: "absent:1", imagePullPolicy: "Never" })] });
    await h.sync(pod);
    expect(h.status(pod).containerStatuses![0]!.state?.waiting?.reason).toBe("ErrImageNeverPull");
  });

  it("deletion: SIGTERM, SIGKILL when the grace period ends, remove, then confirm", async () => {
    const h = new SyncHarness();
    const pod = makePod("del", { containers: [app("stubborn"), app("polite")] });
    await h.sync(pod);
    h.sim.ignoreSigterm(pod.metadata.uid!, "stubborn");
    const deleting = {
      ...h.current(pod),
      metadata: {
        ...pod.metadata,
        deletionTimestamp: "2024-01-01T00:00:30Z",
        deletionGracePeriodSeconds: 30,
      },
    };
    const done = h.syncer.sync(pod.metadata.uid!, deleting);
    for (let i = 0; i < 50 && h.clock.waiters() === 0; i++) await new Promise((r) => setImmediate(r));
    expect(h.api.confirmed).toEqual([]);
    h.clock.advance(30_000);
    await done;
    expect(h.containers(pod)).toEqual([]);
    expect(h.api.confirmed).toEqual([pod.metadata.uid]);
  });

  it("removes the containers of a pod that no longer exists", async () => {
    const h = new SyncHarness();
    const pod = makePod("gone", { containers: [app("c")] });
    await h.sync(pod);
    expect(h.containers(pod)).toHaveLength(2);
    await h.syncer.sync(pod.metadata.uid!, undefined);
    expect(h.containers(pod)).toEqual([]);
  });
});

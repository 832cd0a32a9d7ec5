import type { Pod } from "@minik8s/api";
import { silentLogger } from "@minik8s/client";
import { describe, expect, it } from "vitest";
import { ProbeManager } from "../../src/prober/probe-manager.js";
import { Prober } from "../../src/prober/prober.js";
import { LABELS } from "../../src/runtime/container-runtime.js";
import { PodSyncer } from "../../src/sync-pod.js";
import { app, makePod, SyncHarness } from "../sync-harness.js";

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** A syncer on the sim runtime with probes, events recorded; `ready` is what cat /tmp/ready says. */
function setup() {
  const h = new SyncHarness();
  const events: string[] = [];
  const recorder = {
    event: (_o: unknown, type: string, reason: string, msg: string) =>
      events.push(`${type} ${reason} ${msg}`),
  };
  const changed: string[] = [];
  const prober = new Prober(h.sim);
  const probes = new ProbeManager({
    run: (a, t, ms) => prober.run(a, t, ms),
    clock: h.clock,
    logger: silentLogger,
    events: recorder,
    onPodChanged: (uid) => changed.push(uid),
  });
  const syncer = new PodSyncer({
    runtime: h.sim,
    runtimeName: "sim",
    api: h.api,
    nodeName: "node-a",
    hostIP: "192.0.2.10",
    clock: h.clock,
    logger: silentLogger,
    probes,
    events: recorder,
  });
  const state = { ready: false, alive: true };
  h.sim.onExec((_c, cmd) => {
    if (cmd.join(" ") === "cat /tmp/ready")
      return state.ready ? { exitCode: 0, output: "" } : { exitCode: 1, output: "no file" };
    if (cmd.join(" ") === "cat /tmp/alive")
      return state.alive ? { exitCode: 0, output: "" } : { exitCode: 1, output: "dead" };
    return undefined;
  });
  const sync = (pod: Pod) => syncer.sync(pod.metadata.uid!, h.current(pod));
  const advance = async (ms: number) => {
    for (let left = ms; left > 0; left -= 500) {
      h.clock.advance(Math.min(500, left));
      await settle();
    }
  };
  return { h, events, changed, probes, sync, state, advance };
}

const probe = (path: string, extra = {}) => ({
  exec: { command: ["cat", path] },
  periodSeconds: 1,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 1,
  ...extra,
});

describe("probes through the pod sync", () => {
  it("readiness flips the container's ready and the pod's Ready and ContainersReady", async () => {
    const t = setup();
    const pod = makePod("ready", { containers: [app("web", { readinessProbe: probe("/tmp/ready") })] });
    await t.sync(pod);
    await t.advance(1000);
    expect(t.h.status(pod).containerStatuses![0]).toMatchObject({ ready: false, started: true });
    expect(t.h.status(pod).conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "ContainersNotReady",
    });
    t.state.ready = true;
    await t.advance(1000);
    expect(t.changed).toContain(pod.metadata.uid);
    await t.sync(pod);
    expect(t.h.status(pod).containerStatuses![0]!.ready).toBe(true);
    for (const type of ["Ready", "ContainersReady"]) {
      expect(t.h.status(pod).conditions?.find((c) => c.type === type)?.status).toBe("True");
    }
    expect(t.events).toContain("Warning Unhealthy Readiness probe failed: no file");
  });

  it("a failed liveness probe kills the container, which restarts after back-off as a restart", async () => {
    const t = setup();
    const pod = makePod("live", { containers: [app("web", { livenessProbe: probe("/tmp/alive") })] });
    await t.sync(pod);
    await t.advance(1000);
    t.state.alive = false;
    await t.advance(1000);
    await t.sync(pod);
    expect(t.events).toContain("Warning Unhealthy Liveness probe failed: dead");
    expect(t.events).toContain("Normal Killing Container web failed liveness probe, will be restarted");
    expect(t.h.status(pod).containerStatuses![0]!.state?.waiting?.reason).toBe("CrashLoopBackOff");
    t.state.alive = true;
    await t.advance(10_000);
    await t.sync(pod);
    const cs = t.h.status(pod).containerStatuses![0]!;
    expect(cs.restartCount).toBe(1);
    expect(cs.state?.running).toBeDefined();
    expect(cs.lastState?.terminated?.exitCode).toBe(143);
  });

  it("a failing postStart hook kills the container with FailedPostStartHook", async () => {
    const t = setup();
    const pod = makePod("hook", {
      containers: [app("web", { lifecycle: { postStart: { exec: { command: ["cat", "/tmp/ready"] } } } })],
    });
    const result = await t.sync(pod);
    expect(result.requeueAfterMs).toBe(0);
    expect(t.events.find((e) => e.startsWith("Warning FailedPostStartHook"))).toMatch(
      /^Warning FailedPostStartHook Exec lifecycle hook \(\[cat \/tmp\/ready\]\) for Container "web" in Pod "hook_default\(uid-hook-\d+\)" failed - error: command 'cat \/tmp\/ready' exited with 1: no file, message: "no file"$/,
    );
    expect(t.events).toContain("Normal Killing FailedPostStartHook");
    expect(t.h.containers(pod).find((c) => c.kind === "container")?.state).toBe("exited");
  });

  it("preStop runs before SIGTERM when the pod is deleted", async () => {
    const t = setup();
    const pod = makePod("stop", {
      terminationGracePeriodSeconds: 5,
      containers: [app("web", { lifecycle: { preStop: { exec: { command: ["touch", "/tmp/bye"] } } } })],
    });
    await t.sync(pod);
    const web = t.h.containers(pod).find((c) => c.labels[LABELS.containerName] === "web")!;
    const deleting = {
      ...t.h.current(pod),
      metadata: { ...pod.metadata, deletionTimestamp: "2024-01-01T00:00:00Z" },
    };
    await t.sync(deleting);
    expect(t.h.sim.execs).toContainEqual({ id: web.id, command: ["touch", "/tmp/bye"] });
    expect(t.events).toContain("Normal Killing Stopping container web");
    // The hook ran while the container still ran: no FailedPreStopHook.
    expect(t.events.filter((e) => e.includes("FailedPreStopHook"))).toEqual([]);
    expect(t.h.api.confirmed).toContain(pod.metadata.uid);
    expect(t.probes.pods()).toEqual([]);
  });
});

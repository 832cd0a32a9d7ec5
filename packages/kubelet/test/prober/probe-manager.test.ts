import type { Container, Pod, Probe } from "@minik8s/api";
import { FakeClock, silentLogger } from "@minik8s/client";
import { describe, expect, it } from "vitest";
import { ProbeManager } from "../../src/prober/probe-manager.js";
import type { ProbeOutcome } from "../../src/prober/probe-outcome.js";
import type { ObservedContainer } from "../../src/prober/probe-worker.js";
import type { ProbeAction } from "../../src/prober/prober.js";

/** Lets the probes that timers started finish (they are promises). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function podWith(container: Partial<Container>): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "default", uid: "uid-p" },
    spec: { containers: [{ name: "app", image: "x", ...container }] },
  };
}

const exec = (what: string, extra: Partial<Probe> = {}): Probe => ({
  exec: { command: [what] },
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
  ...extra,
});

/** A manager whose probes answer from `answers` (by command), recording each call. */
function setup(pod: Pod) {
  const clock = new FakeClock();
  const answers = new Map<string, ProbeOutcome["result"]>();
  const calls: { what: string; at: number; timeoutMs: number }[] = [];
  const changed: string[] = [];
  const events: string[] = [];
  const manager = new ProbeManager({
    clock,
    logger: silentLogger,
    events: { event: (_o, type, reason, message) => events.push(`${type} ${reason} ${message}`) },
    onPodChanged: (uid) => changed.push(uid),
    run: async (action: ProbeAction, _t, timeoutMs) => {
      const what = action.exec?.command?.[0] ?? "?";
      calls.push({ what, at: clock.now(), timeoutMs });
      const result = answers.get(what) ?? "success";
      return { result, output: result === "failure" ? `${what} said no` : "" };
    },
  });
  const start = clock.now();
  const observe = (c: ObservedContainer | undefined) =>
    manager.observe(pod, new Map([["app", c]]), "10.0.0.2");
  const verdict = (id = "c1") => manager.verdict(pod, "app", id);
  // Half a second at a time, letting each probe finish, as real time would.
  const advance = async (ms: number) => {
    for (let left = ms; ; left -= 500) {
      clock.advance(Math.min(500, left));
      await settle();
      if (left <= 500) break;
    }
  };
  const at = (what: string) => calls.filter((c) => c.what === what).map((c) => (c.at - start) / 1000);
  return { clock, answers, calls, changed, events, manager, observe, verdict, advance, at, start };
}

describe("probe manager", () => {
  it("readiness: not ready until the first success after initialDelaySeconds, then every periodSeconds", async () => {
    const pod = podWith({ readinessProbe: exec("ready", { initialDelaySeconds: 5, timeoutSeconds: 2 }) });
    const t = setup(pod);
    t.observe({ id: "c1", running: true, startedAt: t.start });
    await t.advance(0);
    expect(t.verdict()).toEqual({ started: true, ready: false });
    await t.advance(4_999);
    expect(t.calls).toEqual([]);
    await t.advance(1);
    expect(t.at("ready")).toEqual([5]);
    expect(t.calls[0]!.timeoutMs).toBe(2000);
    expect(t.verdict()).toEqual({ started: true, ready: true });
    expect(t.changed).toContain("uid-p");
    await t.advance(20_000);
    expect(t.at("ready")).toEqual([5, 15, 25]);
  });

  it("readiness: failureThreshold failures in a row make it unready, successThreshold successes ready again", async () => {
    const pod = podWith({ readinessProbe: exec("ready", { failureThreshold: 3, successThreshold: 2 }) });
    const t = setup(pod);
    t.observe({ id: "c1", running: true, startedAt: t.start });
    await t.advance(0);
    await t.advance(10_000);
    expect(t.verdict().ready).toBe(true); // two successes: at 0 and 10
    t.answers.set("ready", "failure");
    await t.advance(20_000);
    expect(t.verdict().ready).toBe(true); // two failures: below the threshold
    await t.advance(10_000);
    expect(t.verdict().ready).toBe(false);
    t.answers.set("ready", "success");
    await t.advance(10_000);
    expect(t.verdict().ready).toBe(false);
    await t.advance(10_000);
    expect(t.verdict().ready).toBe(true);
    expect(
      t.events.filter((e) => e.startsWith("Warning Unhealthy Readiness probe failed: ready said no")),
    ).toHaveLength(3);
  });

  it("liveness: failureThreshold failures mark the instance failed and hold probing until a new container", async () => {
    const pod = podWith({ livenessProbe: exec("alive", { failureThreshold: 2, periodSeconds: 3 }) });
    const t = setup(pod);
    t.observe({ id: "c1", running: true, startedAt: t.start });
    await t.advance(0);
    expect(t.verdict()).toEqual({ started: true, ready: true });
    t.answers.set("alive", "failure");
    await t.advance(3_000);
    expect(t.verdict().failed).toBeUndefined();
    await t.advance(3_000);
    expect(t.verdict()).toEqual({ started: true, ready: true, failed: "liveness" });
    expect(t.events).toContain("Warning Unhealthy Liveness probe failed: alive said no");
    await t.advance(30_000);
    expect(t.at("alive")).toEqual([0, 3, 6]); // on hold
    // The kubelet killed it and started c2: a fresh verdict, probing again.
    t.answers.set("alive", "success");
    t.observe({ id: "c2", running: true, startedAt: t.clock.now() });
    await t.advance(0);
    expect(t.verdict("c2").failed).toBeUndefined();
    expect(t.at("alive")).toHaveLength(4);
  });

  it("startup gates liveness and readiness; once it passes, readiness runs at once and startup stops", async () => {
    const pod = podWith({
      startupProbe: exec("startup", { periodSeconds: 2, failureThreshold: 30 }),
      livenessProbe: exec("alive"),
      readinessProbe: exec("ready"),
    });
    const t = setup(pod);
    t.answers.set("startup", "failure");
    t.observe({ id: "c1", running: true, startedAt: t.start });
    await t.advance(0);
    await t.advance(20_000);
    expect(t.verdict()).toEqual({ started: false, ready: false });
    expect(t.at("alive")).toEqual([]);
    expect(t.at("ready")).toEqual([]);
    t.answers.set("startup", "success");
    await t.advance(2_000);
    expect(t.verdict()).toEqual({ started: true, ready: false });
    await t.advance(0); // the readiness probe it triggered
    expect(t.verdict()).toEqual({ started: true, ready: true });
    expect(t.at("ready")).toEqual([22]);
    const startups = t.at("startup").length;
    await t.advance(20_000);
    expect(t.at("startup")).toHaveLength(startups);
    expect(t.at("alive").length).toBeGreaterThan(0);
  });

  it("a startup probe that keeps failing marks the container failed", async () => {
    const pod = podWith({ startupProbe: exec("startup", { periodSeconds: 1, failureThreshold: 3 }) });
    const t = setup(pod);
    t.answers.set("startup", "failure");
    t.observe({ id: "c1", running: true, startedAt: t.start });
    await t.advance(0);
    await t.advance(2_000);
    expect(t.verdict()).toEqual({ started: false, ready: false, failed: "startup" });
  });

  it("removing the pod stops its workers", async () => {
    const pod = podWith({ readinessProbe: exec("ready"), livenessProbe: exec("alive") });
    const t = setup(pod);
    t.observe({ id: "c1", running: true, startedAt: t.start });
    await t.advance(0);
    expect(t.manager.pods()).toEqual(["uid-p"]);
    const before = t.calls.length;
    t.manager.removePod("uid-p");
    await t.advance(60_000);
    expect(t.calls.length).toBe(before);
    expect(t.manager.pods()).toEqual([]);
    expect(t.clock.waiters()).toBe(0);
  });

  it("a probe that cannot run is reported and its result thrown away", async () => {
    const pod = podWith({ readinessProbe: exec("ready") });
    const t = setup(pod);
    t.answers.set("ready", "unknown");
    t.observe({ id: "c1", running: true, startedAt: t.start });
    await t.advance(0);
    expect(t.verdict().ready).toBe(false);
    expect(t.events[0]).toMatch(/^Warning Unhealthy Readiness probe errored: /);
  });
});

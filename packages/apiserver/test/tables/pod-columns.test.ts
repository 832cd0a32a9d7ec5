import { describe, expect, it } from "vitest";
import { podPrinter } from "../../src/tables/pod-columns.js";
import type { ApiObject } from "../../src/watch/watch-event.js";

const now = new Date("2024-05-01T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const MIN = 60_000;

function pod(
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
  meta: Record<string, unknown> = {},
): ApiObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-1", namespace: "default", creationTimestamp: ago(10 * MIN), ...meta },
    spec: { containers: [{ name: "app", image: "nginx" }], ...spec },
    status,
  };
}

const running = (extra: Record<string, unknown> = {}) => ({
  name: "app",
  ready: true,
  restartCount: 0,
  state: { running: { startedAt: ago(9 * MIN) } },
  ...extra,
});

/** NAME READY STATUS RESTARTS AGE */
const narrow = (p: ApiObject) => podPrinter.row(p, now).cells.slice(0, 5);

describe("pod columns", () => {
  it("are kubectl's, the last four only with -o wide", () => {
    expect(podPrinter.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ["Name", "string", 0],
      ["Ready", "string", 0],
      ["Status", "string", 0],
      ["Restarts", "string", 0],
      ["Age", "string", 0],
      ["IP", "string", 1],
      ["Node", "string", 1],
      ["Nominated Node", "string", 1],
      ["Readiness Gates", "string", 1],
    ]);
    expect(podPrinter.columns[0]?.format).toBe("name");
  });
});

describe("pod rows", () => {
  it("Running", () => {
    const p = pod(
      { nodeName: "node-a" },
      { phase: "Running", podIP: "10.1.0.5", podIPs: [{ ip: "10.1.0.5" }], containerStatuses: [running()] },
    );
    expect(podPrinter.row(p, now).cells).toEqual([
      "web-1",
      "1/1",
      "Running",
      "0",
      "10m",
      "10.1.0.5",
      "node-a",
      "<none>",
      "<none>",
    ]);
    expect(podPrinter.row(p, now).conditions).toBeUndefined();
  });

  it("Pending before scheduling, with <none> wide cells", () => {
    const p = pod({}, { phase: "Pending" });
    expect(podPrinter.row(p, now).cells).toEqual([
      "web-1",
      "0/1",
      "Pending",
      "0",
      "10m",
      "<none>",
      "<none>",
      "<none>",
      "<none>",
    ]);
  });

  it("ContainerCreating while the container waits", () => {
    const p = pod(
      { nodeName: "node-a" },
      {
        phase: "Pending",
        containerStatuses: [
          { name: "app", ready: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } } },
        ],
      },
    );
    expect(narrow(p)).toEqual(["web-1", "0/1", "ContainerCreating", "0", "10m"]);
  });

  it("CrashLoopBackOff with restarts and when the last one was", () => {
    const p = pod(
      {},
      {
        phase: "Running",
        containerStatuses: [
          {
            name: "app",
            ready: false,
            restartCount: 3,
            state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s" } },
            lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: ago(5 * MIN) } },
          },
        ],
      },
    );
    expect(narrow(p)).toEqual(["web-1", "0/1", "CrashLoopBackOff", "3 (5m ago)", "10m"]);
  });

  it("Completed, marked with a Completed row condition", () => {
    const p = pod(
      { restartPolicy: "Never" },
      {
        phase: "Succeeded",
        containerStatuses: [
          {
            name: "app",
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: "Completed" } },
          },
        ],
      },
    );
    const row = podPrinter.row(p, now);
    expect(row.cells.slice(0, 5)).toEqual(["web-1", "0/1", "Completed", "0", "10m"]);
    expect(row.conditions).toEqual([
      {
        type: "Completed",
        status: "True",
        reason: "Succeeded",
        message: "The pod has completed successfully.",
      },
    ]);
  });

  it("Error, and ExitCode or Signal when the runtime gives no reason", () => {
    const terminated = (t: Record<string, unknown>) =>
      pod(
        {},
        {
          phase: "Failed",
          containerStatuses: [{ name: "app", ready: false, restartCount: 0, state: { terminated: t } }],
        },
      );
    expect(narrow(terminated({ exitCode: 1, reason: "Error" }))[2]).toBe("Error");
    expect(narrow(terminated({ exitCode: 2 }))[2]).toBe("ExitCode:2");
    expect(narrow(terminated({ exitCode: 137, signal: 9 }))[2]).toBe("Signal:9");
    expect(podPrinter.row(terminated({ exitCode: 1, reason: "Error" }), now).conditions?.[0]?.reason).toBe(
      "Failed",
    );
  });

  it("Terminating once deletion started, whatever the containers say", () => {
    const p = pod({}, { phase: "Running", containerStatuses: [running()] }, { deletionTimestamp: ago(MIN) });
    expect(narrow(p)).toEqual(["web-1", "1/1", "Terminating", "0", "10m"]);
  });

  it("a finished pod being deleted keeps its final status", () => {
    const p = pod(
      {},
      {
        phase: "Succeeded",
        containerStatuses: [{ name: "app", state: { terminated: { exitCode: 0, reason: "Completed" } } }],
      },
      { deletionTimestamp: ago(MIN) },
    );
    expect(narrow(p)[2]).toBe("Completed");
  });

  it("Unknown for a deleted pod on a lost node", () => {
    const p = pod({}, { phase: "Running", reason: "NodeLost" }, { deletionTimestamp: ago(MIN) });
    expect(narrow(p)[2]).toBe("Unknown");
  });

  it("counts ready containers and restarts across containers; the first container's state wins", () => {
    const p = pod(
      { containers: [{ name: "a" }, { name: "b" }] },
      {
        phase: "Running",
        containerStatuses: [
          {
            name: "a",
            ready: false,
            restartCount: 2,
            state: { waiting: { reason: "ImagePullBackOff" } },
            lastState: { terminated: { exitCode: 1, finishedAt: ago(30 * MIN) } },
          },
          running({
            name: "b",
            restartCount: 1,
            lastState: { terminated: { exitCode: 0, finishedAt: ago(3 * MIN) } },
          }),
        ],
      },
    );
    expect(narrow(p)).toEqual(["web-1", "1/2", "ImagePullBackOff", "3 (3m ago)", "10m"]);
  });

  it("restarts without a recorded termination print as a bare count", () => {
    const p = pod({}, { phase: "Running", containerStatuses: [running({ restartCount: 4 })] });
    expect(narrow(p)[3]).toBe("4");
  });

  it("Running again when one container completed and another still runs", () => {
    const p = pod(
      { containers: [{ name: "a" }, { name: "b" }] },
      {
        phase: "Running",
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: [
          {
            name: "a",
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: "Completed" } },
          },
          running({ name: "b" }),
        ],
      },
    );
    expect(narrow(p).slice(1, 3)).toEqual(["1/2", "Running"]);
  });

  it("Init:N/M while init containers run, Init:Error when one failed", () => {
    const spec = { initContainers: [{ name: "i1" }, { name: "i2" }] };
    const initRunning = pod(spec, {
      phase: "Pending",
      initContainerStatuses: [
        { name: "i1", state: { terminated: { exitCode: 0, reason: "Completed" } } },
        { name: "i2", state: { running: {} } },
      ],
      containerStatuses: [{ name: "app", state: { waiting: { reason: "PodInitializing" } } }],
    });
    expect(narrow(initRunning)[2]).toBe("Init:1/2");
    const initFailed = pod(spec, {
      phase: "Pending",
      initContainerStatuses: [
        { name: "i1", restartCount: 1, state: { terminated: { exitCode: 1, reason: "Error" } } },
      ],
    });
    expect(narrow(initFailed).slice(2, 4)).toEqual(["Init:Error", "1"]);
    const initBackOff = pod(spec, {
      phase: "Pending",
      initContainerStatuses: [{ name: "i1", state: { waiting: { reason: "CrashLoopBackOff" } } }],
    });
    expect(narrow(initBackOff)[2]).toBe("Init:CrashLoopBackOff");
  });

  it("counts a started sidecar (restartable init container) as a container", () => {
    const p = pod(
      { initContainers: [{ name: "proxy", restartPolicy: "Always" }] },
      {
        phase: "Running",
        conditions: [{ type: "Initialized", status: "True" }],
        initContainerStatuses: [
          { name: "proxy", started: true, ready: true, restartCount: 0, state: { running: {} } },
        ],
        containerStatuses: [running()],
      },
    );
    expect(narrow(p).slice(1, 3)).toEqual(["2/2", "Running"]);
  });

  it("SchedulingGated from the PodScheduled condition", () => {
    const p = pod(
      {},
      {
        phase: "Pending",
        conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }],
      },
    );
    expect(narrow(p)[2]).toBe("SchedulingGated");
  });

  it("shows readiness gates met out of declared, and the nominated node", () => {
    const p = pod(
      { readinessGates: [{ conditionType: "example.com/lb" }, { conditionType: "example.com/dns" }] },
      {
        phase: "Pending",
        nominatedNodeName: "node-b",
        conditions: [
          { type: "example.com/lb", status: "True" },
          { type: "example.com/dns", status: "False" },
        ],
      },
    );
    expect(podPrinter.row(p, now).cells.slice(7)).toEqual(["node-b", "1/2"]);
  });
});

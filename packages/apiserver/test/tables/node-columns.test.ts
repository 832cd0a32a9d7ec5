import { describe, expect, it } from "vitest";
import { namespacePrinter } from "../../src/tables/namespace-columns.js";
import { nodePrinter } from "../../src/tables/node-columns.js";

const now = new Date("2024-05-01T12:00:00Z");

function node(extra: {
  labels?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}) {
  return {
    metadata: { name: "node-a", creationTimestamp: "2024-04-01T12:00:00Z", labels: extra.labels ?? {} },
    spec: extra.spec ?? {},
    status: extra.status ?? {},
  };
}

describe("node rows", () => {
  it("NAME STATUS ROLES AGE VERSION, wide addresses and system info", () => {
    expect(nodePrinter.columns.map((c) => [c.name, c.priority])).toEqual([
      ["Name", 0],
      ["Status", 0],
      ["Roles", 0],
      ["Age", 0],
      ["Version", 0],
      ["Internal-IP", 1],
      ["External-IP", 1],
      ["OS-Image", 1],
      ["Kernel-Version", 1],
      ["Container-Runtime", 1],
    ]);
    const row = nodePrinter.row(
      node({
        labels: {
          "node-role.kubernetes.io/control-plane": "",
          "node-role.kubernetes.io/worker": "",
          "kubernetes.io/hostname": "node-a",
        },
        status: {
          conditions: [
            { type: "MemoryPressure", status: "False" },
            { type: "Ready", status: "True" },
          ],
          addresses: [
            { type: "Hostname", address: "node-a" },
            { type: "InternalIP", address: "192.168.1.10" },
          ],
          nodeInfo: {
            kubeletVersion: "v1.32.0",
            osImage: "Ubuntu 24.04",
            kernelVersion: "6.8.0",
            containerRuntimeVersion: "docker://27.0.1",
          },
        },
      }),
      now,
    );
    expect(row.cells).toEqual([
      "node-a",
      "Ready",
      "control-plane,worker",
      "30d",
      "v1.32.0",
      "192.168.1.10",
      "<none>",
      "Ubuntu 24.04",
      "6.8.0",
      "docker://27.0.1",
    ]);
  });

  it("NotReady and cordoned, role from kubernetes.io/role, unknown system info", () => {
    const row = nodePrinter.row(
      node({
        labels: { "kubernetes.io/role": "gpu" },
        spec: { unschedulable: true },
        status: { conditions: [{ type: "Ready", status: "Unknown" }] },
      }),
      now,
    );
    expect(row.cells.slice(1, 3)).toEqual(["NotReady,SchedulingDisabled", "gpu"]);
    expect(row.cells.slice(7)).toEqual(["<unknown>", "<unknown>", "<unknown>"]);
  });

  it("Unknown before the kubelet reports, <none> without roles", () => {
    const row = nodePrinter.row(node({}), now);
    expect(row.cells.slice(1, 3)).toEqual(["Unknown", "<none>"]);
  });
});

describe("namespace rows", () => {
  it("NAME STATUS AGE", () => {
    const row = namespacePrinter.row(
      {
        metadata: { name: "default", creationTimestamp: "2024-05-01T11:59:30Z" },
        status: { phase: "Active" },
      },
      now,
    );
    expect(namespacePrinter.columns.map((c) => c.name)).toEqual(["Name", "Status", "Age"]);
    expect(row.cells).toEqual(["default", "Active", "30s"]);
  });
});

import type { Container, Pod } from "@minik8s/api";
import { describe, expect, it } from "vitest";
import { type DownwardContext, fieldRefValue, resourceFieldRefValue } from "../../src/env/downward-api.js";

const ctx: DownwardContext = {
  nodeName: "node-a",
  podIP: "10.1.0.5",
  hostIP: "192.0.2.10",
  allocatable: { cpuMillis: 4000, memoryBytes: 8 * 1024 ** 3 },
};
const container: Container = {
  name: "app",
  resources: { limits: { cpu: "250m", memory: "64Mi" }, requests: { cpu: "100m", memory: "1000000" } },
};
const pod: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: "p",
    namespace: "ns1",
    uid: "u-1",
    labels: { app: "web", "a.b/c": "x" },
    annotations: { note: "hi" },
  },
  spec: { containers: [container, { name: "bare" }], serviceAccountName: "robot", nodeName: "node-a" },
};

describe("fieldRef", () => {
  it.each([
    ["metadata.name", "p"],
    ["metadata.namespace", "ns1"],
    ["metadata.uid", "u-1"],
    ["metadata.labels['app']", "web"],
    ["metadata.labels['a.b/c']", "x"],
    ["metadata.labels['missing']", ""],
    ["metadata.annotations['note']", "hi"],
    ["status.podIP", "10.1.0.5"],
    ["status.hostIP", "192.0.2.10"],
    ["spec.nodeName", "node-a"],
    ["spec.serviceAccountName", "robot"],
  ])("%s = %s", (path, want) => {
    expect(fieldRefValue(pod, path, ctx)).toEqual({ ok: true, value: want });
  });

  it("an unknown path is an error", () => {
    expect(fieldRefValue(pod, "spec.bogus", ctx)).toEqual({
      ok: false,
      message: "unsupported fieldPath: spec.bogus",
    });
  });
});

describe("resourceFieldRef: divided by the divisor, rounded up", () => {
  it.each([
    ["limits.cpu", undefined, "1"], // 250m / 1 rounds up to 1
    ["limits.cpu", "1m", "250"],
    ["limits.cpu", "100m", "3"],
    ["requests.cpu", "1m", "100"],
    ["limits.memory", undefined, String(64 * 1024 * 1024)],
    ["limits.memory", "1Mi", "64"],
    ["limits.memory", "1M", "68"], // 67.108864 rounds up
    ["requests.memory", "1Ki", "977"], // 976.56 rounds up
  ])("%s with divisor %s = %s", (resource, divisor, want) => {
    expect(resourceFieldRefValue(pod, container, { resource, divisor }, ctx)).toEqual({
      ok: true,
      value: want,
    });
  });

  it("an unset limit reads as the node's allocatable, an unset request as 0", () => {
    const bare = pod.spec.containers[1]!;
    expect(resourceFieldRefValue(pod, bare, { resource: "limits.cpu", divisor: "1m" }, ctx)).toEqual({
      ok: true,
      value: "4000",
    });
    expect(resourceFieldRefValue(pod, bare, { resource: "limits.memory", divisor: "1Gi" }, ctx)).toEqual({
      ok: true,
      value: "8",
    });
    expect(resourceFieldRefValue(pod, bare, { resource: "requests.cpu" }, ctx)).toEqual({
      ok: true,
      value: "0",
    });
  });

  it("containerName reads another container's resources", () => {
    const bare = pod.spec.containers[1]!;
    expect(
      resourceFieldRefValue(
        pod,
        bare,
        { containerName: "app", resource: "limits.memory", divisor: "1Mi" },
        ctx,
      ),
    ).toEqual({ ok: true, value: "64" });
  });

  it("an unsupported resource is Kubernetes' error", () => {
    expect(resourceFieldRefValue(pod, container, { resource: "limits.gpu" }, ctx)).toEqual({
      ok: false,
      message: "unsupported container resource : limits.gpu",
    });
  });
});

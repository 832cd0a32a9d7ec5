import type { Container, Pod } from "@minik8s/api";
import { describe, expect, it } from "vitest";
import { StaticConfigSource } from "../../src/env/config-source.js";
import { makeEnvironment } from "../../src/env/make-env.js";

const ctx = {
  nodeName: "node-a",
  podIP: "10.1.0.5",
  hostIP: "192.0.2.10",
  allocatable: { cpuMillis: 2000, memoryBytes: 1024 ** 3 },
};

function podWith(container: Container, extra: Partial<Pod["spec"]> = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "ns1", uid: "u-1" },
    spec: { containers: [container], ...extra },
  };
}

function source(): StaticConfigSource {
  const s = new StaticConfigSource();
  s.addConfigMap("ns1", "cfg", { MODE: "prod", LEVEL: "3", "bad name": "x", "1BAD": "y" });
  s.addSecret("ns1", "creds", { password: "s3cret", USER: "admin" });
  s.serviceList.push({
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace: "ns1", name: "db" },
    spec: { clusterIP: "10.96.0.7", ports: [{ port: 5432 }] },
  });
  return s;
}

describe("makeEnvironment", () => {
  it("envFrom, then env in order ($(VAR) against earlier ones and services), then service variables", async () => {
    const c: Container = {
      name: "app",
      envFrom: [{ configMapRef: { name: "cfg" } }, { prefix: "S_", secretRef: { name: "creds" } }],
      env: [
        { name: "MODE", value: "override-$(MODE)" },
        { name: "DB", value: "$(DB_SERVICE_HOST):$(DB_SERVICE_PORT)" },
        { name: "PW", valueFrom: { secretKeyRef: { name: "creds", key: "password" } } },
        { name: "LVL", valueFrom: { configMapKeyRef: { name: "cfg", key: "LEVEL" } } },
        { name: "MEM", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
        { name: "LBL", valueFrom: { fieldRef: { fieldPath: "metadata.labels['none']" } } },
        { name: "DB_SERVICE_PORT", value: "mine" },
      ],
    };
    const res = await makeEnvironment(podWith(c), c, ctx, source());
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.value.env).toMatchObject({
      MODE: "override-prod",
      LEVEL: "3",
      S_password: "s3cret",
      S_USER: "admin",
      DB: "10.96.0.7:5432",
      PW: "s3cret",
      LVL: "3",
      MEM: "1024",
      LBL: "",
      DB_SERVICE_HOST: "10.96.0.7",
      // Defined by the container: the service variable does not replace it.
      DB_SERVICE_PORT: "mine",
    });
    expect(res.value.env["bad name"]).toBeUndefined();
    expect(res.value.warnings).toEqual([
      {
        reason: "InvalidEnvironmentVariableNames",
        message:
          "Keys [1BAD, bad name] from the EnvFrom configMap ns1/cfg were skipped since they are considered invalid environment variable names.",
      },
    ]);
  });

  it("enableServiceLinks: false gets no service variables of the namespace", async () => {
    const c: Container = { name: "app" };
    const res = await makeEnvironment(podWith(c, { enableServiceLinks: false }), c, ctx, source());
    expect(res.ok && res.value.env).toEqual({});
  });

  it.each([
    [{ configMapKeyRef: { name: "nope", key: "k" } }, 'configmap "nope" not found'],
    [{ secretKeyRef: { name: "nope", key: "k" } }, 'secret "nope" not found'],
    [{ configMapKeyRef: { name: "cfg", key: "k" } }, "couldn't find key k in ConfigMap ns1/cfg"],
    [{ secretKeyRef: { name: "creds", key: "k" } }, "couldn't find key k in Secret ns1/creds"],
    [{ fieldRef: { fieldPath: "spec.nope" } }, "unsupported fieldPath: spec.nope"],
  ])("%j fails with %s", async (valueFrom, message) => {
    const c: Container = { name: "app", env: [{ name: "X", valueFrom }] };
    expect(await makeEnvironment(podWith(c), c, ctx, source())).toEqual({
      ok: false,
      error: { reason: "CreateContainerConfigError", message },
    });
  });

  it("optional references that are missing are skipped", async () => {
    const c: Container = {
      name: "app",
      envFrom: [
        { configMapRef: { name: "nope", optional: true } },
        { secretRef: { name: "nope", optional: true } },
      ],
      env: [
        { name: "A", valueFrom: { configMapKeyRef: { name: "nope", key: "k", optional: true } } },
        { name: "B", valueFrom: { configMapKeyRef: { name: "cfg", key: "k", optional: true } } },
        { name: "C", valueFrom: { secretKeyRef: { name: "creds", key: "k", optional: true } } },
        { name: "D", value: "d" },
      ],
    };
    const res = await makeEnvironment(podWith(c, { enableServiceLinks: false }), c, ctx, source());
    expect(res.ok && res.value.env).toEqual({ D: "d" });
  });

  it("a missing envFrom source that is not optional fails", async () => {
    const c: Container = { name: "app", envFrom: [{ secretRef: { name: "gone" } }] };
    const res = await makeEnvironment(podWith(c), c, ctx, source());
    expect(res.ok ? undefined : res.error.message).toBe('secret "gone" not found');
  });

  it("services not yet read fail as Kubernetes does", async () => {
    const s = source();
    s.services = () => undefined as never;
    const c: Container = { name: "app" };
    const res = await makeEnvironment(podWith(c), c, ctx, s);
    expect(res.ok ? undefined : res.error.message).toBe(
      "services have not yet been read at least once, cannot construct envvars",
    );
  });
});

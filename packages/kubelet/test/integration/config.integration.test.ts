import { type Event, type KindInfo, kindForApiVersion, type Pod, type Service } from "@minik8s/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVICES } from "../../src/env/config-source.js";
import { Kubelet } from "../../src/kubelet.js";
import { SimRuntime } from "../../src/runtime/sim-runtime.js";
import { PODS } from "../../src/status/status-writer.js";
import { MACHINE, startCluster, type TestCluster, until } from "../support.js";

const NODE = "sim-config-node";
const EVENTS = kindForApiVersion("v1", "Event") as KindInfo;

describe("kubelet env, volumes and events through a real apiserver (sim runtime)", () => {
  let cluster: TestCluster;
  const sim = new SimRuntime({ images: ["minik8s/busybox:1"] });
  let kubelet: Kubelet;

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.client.create({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "backend", namespace: "default" },
      spec: { ports: [{ name: "http", port: 8080 }], selector: { app: "backend" } },
    });
    kubelet = new Kubelet({
      client: cluster.client,
      nodeName: NODE,
      runtime: sim,
      rootDir: cluster.dir,
      machine: MACHINE,
      relistPeriodMs: 20,
    });
    await kubelet.start();
  });
  afterAll(async () => {
    await kubelet?.stop();
    await cluster?.close();
  });

  it("waits for a Secret, then runs with it, service variables and a downward API env", async () => {
    await cluster.client.create<Pod>({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "needs-secret", namespace: "default", labels: { tier: "api" } },
      spec: {
        nodeName: NODE,
        containers: [
          {
            name: "app",
            image: "minik8s/busybox:1",
            env: [
              { name: "TOKEN", valueFrom: { secretKeyRef: { name: "api-token", key: "token" } } },
              { name: "TIER", valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
            ],
            envFrom: [{ prefix: "CFG_", configMapRef: { name: "maybe", optional: true } }],
          },
        ],
      },
    });
    const waitingReason = async () =>
      (await cluster.client.get<Pod>(PODS, "default", "needs-secret")).status?.containerStatuses?.[0]?.state
        ?.waiting;
    await until(
      "CreateContainerConfigError",
      async () => (await waitingReason())?.reason === "CreateContainerConfigError",
    );
    expect((await waitingReason())?.message).toBe('secret "api-token" not found');

    // The optional ConfigMap first: the Secret is what the container waits for.
    await cluster.client.create({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "maybe", namespace: "default" },
      data: { LEVEL: "2" },
    });
    await cluster.client.create({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "api-token", namespace: "default" },
      stringData: { token: "abc123" },
    });
    await until(
      "running once the secret exists",
      async () =>
        (await cluster.client.get<Pod>(PODS, "default", "needs-secret")).status?.containerStatuses?.[0]?.state
          ?.running !== undefined,
      1000,
    );
    const pod = await cluster.client.get<Pod>(PODS, "default", "needs-secret");
    const env = sim.configOf(sim.running(pod.metadata.uid!, "app")!.id)!.env;
    const svc = await cluster.client.get<Service>(SERVICES, "default", "backend");
    expect(svc.spec.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(env).toMatchObject({
      TOKEN: "abc123",
      TIER: "api",
      CFG_LEVEL: "2",
      BACKEND_SERVICE_HOST: svc.spec.clusterIP,
      BACKEND_SERVICE_PORT: "8080",
      BACKEND_SERVICE_PORT_HTTP: "8080",
      BACKEND_PORT: `tcp://${svc.spec.clusterIP}:8080`,
    });

    // The kubelet's events are in the API, from source kubelet on this node.
    await until("events written", async () => {
      const list = await cluster.client.list<Event>(EVENTS, { namespace: "default" });
      return list.items.some((e) => e.reason === "Started" && e.involvedObject.name === "needs-secret");
    });
    const events = (await cluster.client.list<Event>(EVENTS, { namespace: "default" })).items.filter(
      (e) => e.involvedObject.name === "needs-secret",
    );
    expect(events.find((e) => e.reason === "Failed")).toMatchObject({
      type: "Warning",
      message: 'Error: secret "api-token" not found',
      source: { component: "kubelet", host: NODE },
    });
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(["Pulled", "Created", "Started"]));
  });
});

import { readFileSync } from "node:fs";
import { parseApiVersion, StatusError } from "@minik8s/api";
import { describe, expect, it } from "vitest";
import { protoPackageOf } from "../../src/http/protobuf/k8s-proto-schema.js";
import { decodeProtobufBody, kubernetesProtoRoot } from "../../src/http/protobuf/protobuf-body.js";

// biome-ignore lint/suspicious/noExplicitAny: decoded objects are read field by field
type Json = any;

const fixture = (name: string) => readFileSync(new URL(`../fixtures/protobuf/${name}.pb`, import.meta.url));
const decoded = (name: string): Json => decodeProtobufBody(fixture(name)).object;

const ROOT = kubernetesProtoRoot();
const MAGIC = Buffer.from("k8s\0", "binary");

/** Wraps an object in the envelope client-go writes: magic, then runtime.Unknown. */
function envelope(apiVersion: string, kind: string, object: Json, extra: Json = {}): Buffer {
  const { group, version } = parseApiVersion(apiVersion);
  const type = ROOT.lookupType(`${protoPackageOf(group, version)}.${kind}`);
  const raw = type.encode(type.fromObject(object)).finish();
  return wrap({ typeMeta: { apiVersion, kind }, raw, ...extra });
}

function wrap(unknown: Json): Buffer {
  const type = ROOT.lookupType("k8s.io.apimachinery.pkg.runtime.Unknown");
  return Buffer.concat([MAGIC, type.encode(type.fromObject(unknown)).finish()]);
}

function expectBadRequest(body: Uint8Array, fragment: string): void {
  let error: unknown;
  try {
    decodeProtobufBody(body);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(StatusError);
  expect((error as StatusError).code).toBe(400);
  expect((error as StatusError).message).toContain(fragment);
}

describe("bodies captured from kubectl create", () => {
  it("decodes a deployment into the JSON kubectl would have sent", () => {
    expect(decoded("deployment-web")).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", labels: { app: "web" } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [
              { name: "nginx", image: "nginx:1.25", ports: [{ containerPort: 80 }], resources: {} },
            ],
          },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it("keeps several containers, their order and a command", () => {
    expect(decoded("deployment-two-images").spec.template.spec.containers).toEqual([
      { name: "nginx", image: "nginx:1.25", ports: [{ containerPort: 8080 }], resources: {} },
      { name: "busybox", image: "busybox:1", resources: {} },
    ]);
    expect(decoded("deployment-command").spec.template.spec.containers[0].command).toEqual([
      "sh",
      "-c",
      "sleep 1000",
    ]);
  });

  it("decodes configmap data and base64-encodes binaryData", () => {
    expect(decoded("configmap-literals")).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg" },
      data: { a: "1", b: "hello world" },
    });
    const files = decoded("configmap-files");
    expect(files.data).toEqual({ "f.txt": "binary" });
    expect(Buffer.from(files.binaryData["bin.dat"], "base64")).toEqual(Buffer.from([0x00, 0xff, 0x10]));
  });

  it("base64-encodes secret data, as the JSON form carries it", () => {
    const secret = decoded("secret-generic");
    expect(secret).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "sec" },
      data: { user: "YWRtaW4=", pass: Buffer.from("p@ss w0rd").toString("base64") },
    });
    const registry = decoded("secret-docker-registry");
    expect(registry.type).toBe("kubernetes.io/dockerconfigjson");
    const config = JSON.parse(Buffer.from(registry.data[".dockerconfigjson"], "base64").toString());
    expect(config.auths["r.example"]).toMatchObject({ username: "u", password: "p" });
  });

  it("decodes a namespace, a job and a cronjob", () => {
    expect(decoded("namespace")).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "team-a" },
      spec: {},
      status: {},
    });
    expect(decoded("job").spec.template.spec).toEqual({
      containers: [{ name: "once", image: "busybox:1", command: ["echo", "hi"], resources: {} }],
      restartPolicy: "Never",
    });
    const cron = decoded("cronjob");
    expect(cron.spec.schedule).toBe("0 1 * * *");
    expect(cron.spec.jobTemplate.metadata).toEqual({ name: "nightly" });
    expect(cron.spec.jobTemplate.spec.template.spec.restartPolicy).toBe("OnFailure");
  });

  it("turns IntOrString into a number and keeps nodePort and externalName", () => {
    expect(decoded("service-clusterip").spec).toEqual({
      ports: [{ name: "80-8080", protocol: "TCP", port: 80, targetPort: 8080 }],
      selector: { app: "svc" },
      type: "ClusterIP",
    });
    expect(decoded("service-nodeport").spec.ports[0].nodePort).toBe(30080);
    expect(decoded("service-loadbalancer").spec.type).toBe("LoadBalancer");
    const external = decoded("service-externalname");
    expect(external.spec).toEqual({
      selector: { app: "ext" },
      type: "ExternalName",
      externalName: "example.com",
    });
  });

  it("decodes a PodDisruptionBudget, keeping the status counts Go always writes", () => {
    expect(decoded("poddisruptionbudget")).toMatchObject({
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } },
      status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    });
  });

  it("reports the kind and no object for kinds without a schema", () => {
    expect(decodeProtobufBody(fixture("serviceaccount"))).toEqual({
      apiVersion: "v1",
      kind: "ServiceAccount",
      object: undefined,
    });
  });
});

describe("wire semantics", () => {
  it("keeps zeros of pointer fields and drops zeros Go would omit", () => {
    const body = envelope("apps/v1", "Deployment", {
      metadata: { name: "zero", generation: 0, namespace: "" },
      spec: {
        replicas: 0,
        minReadySeconds: 0,
        revisionHistoryLimit: 0,
        strategy: {
          rollingUpdate: { maxUnavailable: { type: 0, intVal: 0 }, maxSurge: { type: 1, strVal: "25%" } },
        },
        template: {
          spec: {
            terminationGracePeriodSeconds: 0,
            hostNetwork: false,
            securityContext: { runAsUser: 0, runAsNonRoot: false },
            containers: [{ name: "c", ports: [{ containerPort: 80, hostPort: 0 }] }],
          },
        },
      },
    });
    const spec = (decodeProtobufBody(body).object as Json).spec;
    expect(spec.replicas).toBe(0);
    expect(spec.revisionHistoryLimit).toBe(0);
    expect(spec).not.toHaveProperty("minReadySeconds");
    expect(spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: "25%" });
    expect(spec.template.spec.terminationGracePeriodSeconds).toBe(0);
    expect(spec.template.spec).not.toHaveProperty("hostNetwork");
    expect(spec.template.spec.securityContext).toEqual({ runAsUser: 0, runAsNonRoot: false });
    expect(spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80 }]);
    expect((decodeProtobufBody(body).object as Json).metadata).toEqual({ name: "zero" });
  });

  it("inlines embedded structs: volume sources, probe handlers, key selectors", () => {
    const body = envelope("v1", "Pod", {
      metadata: { name: "inline" },
      spec: {
        volumes: [
          { name: "scratch", volumeSource: { emptyDir: {} } },
          {
            name: "cfg",
            volumeSource: { configMap: { localObjectReference: { name: "app" }, defaultMode: 420 } },
          },
        ],
        containers: [
          {
            name: "c",
            readinessProbe: {
              handler: { httpGet: { path: "/", port: { type: 1, strVal: "http" } } },
              periodSeconds: 5,
            },
            env: [
              {
                name: "PASS",
                valueFrom: {
                  secretKeyRef: { localObjectReference: { name: "db" }, key: "pw", optional: false },
                },
              },
            ],
            resources: { limits: { cpu: { string: "100m" }, memory: { string: "64Mi" } } },
          },
        ],
      },
    });
    const spec = (decodeProtobufBody(body).object as Json).spec;
    expect(spec.volumes).toEqual([
      { name: "scratch", emptyDir: {} },
      { name: "cfg", configMap: { name: "app", defaultMode: 420 } },
    ]);
    const container = spec.containers[0];
    expect(container.readinessProbe).toEqual({ httpGet: { path: "/", port: "http" }, periodSeconds: 5 });
    expect(container.env[0].valueFrom).toEqual({ secretKeyRef: { name: "db", key: "pw", optional: false } });
    expect(container.resources).toEqual({ limits: { cpu: "100m", memory: "64Mi" } });
  });

  it("writes Time at whole seconds and MicroTime with microseconds, and drops zero times", () => {
    const seconds = Date.UTC(2026, 10, 27, 9, 40, 0) / 1000;
    const body = envelope("coordination.k8s.io/v1", "Lease", {
      metadata: { name: "lease", creationTimestamp: { seconds: 0, nanos: 0 } },
      spec: { holderIdentity: "node-a", renewTime: { seconds, nanos: 123456789 }, leaseTransitions: 0 },
    });
    const lease = decodeProtobufBody(body).object as Json;
    expect(lease.metadata).toEqual({ name: "lease" });
    expect(lease.spec).toEqual({
      holderIdentity: "node-a",
      renewTime: "2026-11-27T09:40:00.123456Z",
      leaseTransitions: 0,
    });
    const event = envelope("v1", "Event", {
      metadata: { name: "e" },
      involvedObject: { kind: "Pod", name: "p" },
      lastTimestamp: { seconds, nanos: 500000000 },
    });
    expect((decodeProtobufBody(event).object as Json).lastTimestamp).toBe("2026-11-27T09:40:00Z");
  });

  it("decodes maps of messages: quantities and times", () => {
    const seconds = Date.UTC(2026, 10, 27, 9, 40, 0) / 1000;
    const node = envelope("v1", "Node", {
      metadata: { name: "n1" },
      status: {
        capacity: { cpu: { string: "2" }, memory: { string: "4Gi" } },
        conditions: [{ type: "Ready", status: "True", lastHeartbeatTime: { seconds } }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      },
    });
    expect((decodeProtobufBody(node).object as Json).status).toEqual({
      capacity: { cpu: "2", memory: "4Gi" },
      conditions: [{ type: "Ready", status: "True", lastHeartbeatTime: "2026-11-27T09:40:00Z" }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    });
    const pdb = envelope("policy/v1", "PodDisruptionBudget", {
      metadata: { name: "b" },
      spec: { maxUnavailable: { type: 1, strVal: "50%" } },
      status: { disruptedPods: { "p-1": { seconds }, "p-zero": {} }, expectedPods: 3 },
    });
    const decodedPdb = decodeProtobufBody(pdb).object as Json;
    expect(decodedPdb.spec).toEqual({ maxUnavailable: "50%" });
    expect(decodedPdb.status).toEqual({ disruptedPods: { "p-1": "2026-11-27T09:40:00Z" }, expectedPods: 3 });
  });

  it("takes the kind from the route when the envelope leaves it empty", () => {
    const type = ROOT.lookupType("k8s.io.api.core.v1.ConfigMap");
    const body = wrap({ raw: type.encode(type.fromObject({ metadata: { name: "x" } })).finish() });
    expect(decodeProtobufBody(body, { apiVersion: "v1", kind: "ConfigMap" }).object).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "x" },
    });
  });
});

describe("malformed bodies", () => {
  it("refuses a body without the k8s prefix", () => {
    expectBadRequest(Buffer.from('{"kind":"ConfigMap"}'), 'does not start with the "k8s\\x00" prefix');
    expectBadRequest(Buffer.from("k8s"), "prefix");
  });

  it("refuses a truncated envelope or object and names what failed", () => {
    expectBadRequest(Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a]), "runtime.Unknown");
    const whole = fixture("configmap-literals");
    expectBadRequest(whole.subarray(0, whole.length - 3), "protobuf");
    // metadata claims 5 bytes and holds 1.
    const broken = wrap({
      typeMeta: { apiVersion: "v1", kind: "ConfigMap" },
      raw: Buffer.from([0x0a, 0x05, 0x01]),
    });
    expectBadRequest(broken, "v1 ConfigMap");
  });

  it("refuses a content encoding it cannot undo", () => {
    expectBadRequest(envelope("v1", "ConfigMap", {}, { contentEncoding: "gzip" }), 'contentEncoding "gzip"');
  });
});

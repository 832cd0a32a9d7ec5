import { describe, expect, it } from "vitest";
import { applyDefaults } from "../src/defaults/apply-defaults.js";
import type { Deployment } from "../src/schemas/apps.js";
import type { Pod, Service } from "../src/schemas/core.js";
import {
  type FieldError,
  formatFieldError,
  formatFieldErrors,
  statusCauseOf,
} from "../src/validation/field-error.js";
import { validateObject, validateUpdate } from "../src/validation/validate.js";

const messages = (errs: FieldError[]) => errs.map(formatFieldError);

function pod(
  spec: Partial<Pod["spec"]> = {},
  metadata: Pod["metadata"] = { name: "p", namespace: "default" },
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata,
    spec: { containers: [{ name: "web", image: "nginx" }], ...spec },
  };
}

function deployment(spec: Partial<Deployment["spec"]> = {}): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default" },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "nginx" }] },
      },
      ...spec,
    },
  };
}

describe("formatFieldError", () => {
  it("writes each type as Kubernetes does", () => {
    expect(
      formatFieldError({
        type: "Invalid",
        field: "spec.replicas",
        value: -1,
        detail: "must be greater than or equal to 0",
      }),
    ).toBe("spec.replicas: Invalid value: -1: must be greater than or equal to 0");
    expect(
      formatFieldError({
        type: "Required",
        field: "metadata.name",
        detail: "name or generateName is required",
      }),
    ).toBe("metadata.name: Required value: name or generateName is required");
    expect(formatFieldError({ type: "Required", field: "spec.containers" })).toBe(
      "spec.containers: Required value",
    );
    expect(formatFieldError({ type: "Duplicate", field: "spec.containers[1].name", value: "web" })).toBe(
      'spec.containers[1].name: Duplicate value: "web"',
    );
    expect(
      formatFieldError({
        type: "Forbidden",
        field: "metadata.namespace",
        detail: "not allowed on this type",
      }),
    ).toBe("metadata.namespace: Forbidden: not allowed on this type");
    expect(
      formatFieldError({
        type: "TooLong",
        field: "metadata.annotations",
        value: "",
        detail: "must have at most 262144 bytes",
      }),
    ).toBe("metadata.annotations: Too long: must have at most 262144 bytes");
    expect(
      formatFieldError({ type: "NotFound", field: "spec.containers[0].volumeMounts[0].name", value: "data" }),
    ).toBe('spec.containers[0].volumeMounts[0].name: Not found: "data"');
    expect(formatFieldError({ type: "Invalid", field: "x", value: { app: "web" }, detail: "d" })).toBe(
      'x: Invalid value: {"app":"web"}: d',
    );
    expect(formatFieldError({ type: "Unknown", field: "spec.replicaz" })).toBe(
      'unknown field "spec.replicaz"',
    );
  });

  it("aggregates several errors in brackets and builds Status causes", () => {
    const a: FieldError = { type: "Required", field: "a" };
    const b: FieldError = { type: "Required", field: "b" };
    expect(formatFieldErrors([a])).toBe("a: Required value");
    expect(formatFieldErrors([a, b])).toBe("[a: Required value, b: Required value]");
    expect(
      statusCauseOf({
        type: "Invalid",
        field: "spec.replicas",
        value: -1,
        detail: "must be greater than or equal to 0",
      }),
    ).toEqual({
      reason: "FieldValueInvalid",
      message: "Invalid value: -1: must be greater than or equal to 0",
      field: "spec.replicas",
    });
  });
});

describe("validateObject: metadata", () => {
  it("requires a name and a namespace for namespaced kinds", () => {
    expect(messages(validateObject(pod({}, {})))).toEqual([
      "metadata.name: Required value: name or generateName is required",
      "metadata.namespace: Required value",
    ]);
  });

  it("checks names by kind: DNS subdomain, DNS-1035 label for Services, DNS label for namespaces", () => {
    expect(messages(validateObject(pod({}, { name: "Web_1", namespace: "default" })))).toEqual([
      "metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    expect(validateObject(pod({}, { name: "a.b", namespace: "default" }))).toEqual([]);
    const svc: Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "1web", namespace: "default" },
      spec: { ports: [{ port: 80 }] },
    };
    expect(validateObject(svc).map((e) => e.field)).toEqual(["metadata.name"]);
    expect(
      validateObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: "a.b" } }).map((e) => e.field),
    ).toEqual(["metadata.name"]);
    expect(
      messages(
        validateObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: "a", namespace: "x" } }),
      ),
    ).toEqual(["metadata.namespace: Forbidden: not allowed on this type"]);
  });

  it("checks label keys, label values and annotation keys", () => {
    const errs = validateObject(
      pod(
        {},
        {
          name: "p",
          namespace: "default",
          labels: { "bad key": "ok", good: "bad value!" },
          annotations: { "-x": "1" },
        },
      ),
    );
    expect(errs.map((e) => [e.field, e.value])).toEqual([
      ["metadata.labels", "bad key"],
      ["metadata.labels", "bad value!"],
      ["metadata.annotations", "-x"],
    ]);
  });

  it("accepts a generateName prefix ending in a dash", () => {
    expect(
      validateObject(pod({}, { name: "web-abcde", generateName: "web-", namespace: "default" })),
    ).toEqual([]);
  });
});

describe("validateObject: pods", () => {
  it("accepts a valid pod before and after defaulting", () => {
    expect(validateObject(pod())).toEqual([]);
    expect(validateObject(applyDefaults(pod()))).toEqual([]);
  });

  it("requires unique DNS-label container names and an image", () => {
    const errs = validateObject(
      pod({
        containers: [
          { name: "web", image: "nginx" },
          { name: "web", image: "" },
          { name: "Bad_Name", image: "x" },
        ],
      }),
    );
    expect(messages(errs).slice(0, 2)).toEqual([
      'spec.containers[1].name: Duplicate value: "web"',
      "spec.containers[1].image: Required value",
    ]);
    expect(errs[2]?.field).toBe("spec.containers[2].name");
  });

  it("checks ports, restart policy and mounts", () => {
    const errs = validateObject(
      pod({
        restartPolicy: "Sometimes" as never,
        containers: [
          {
            name: "web",
            image: "nginx",
            ports: [{ containerPort: 70000 }, { containerPort: 80, hostPort: -1 }],
            volumeMounts: [{ name: "data", mountPath: "/data" }],
          },
        ],
      }),
    );
    expect(messages(errs)).toEqual([
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
    const semantic = validateObject(
      pod({
        containers: [
          {
            name: "web",
            image: "nginx",
            ports: [{ containerPort: 70000 }, { containerPort: 80, hostPort: -1 }],
            volumeMounts: [{ name: "data", mountPath: "/data" }],
          },
        ],
      }),
    );
    expect(messages(semantic)).toEqual([
      "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
      "spec.containers[0].ports[1].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive",
      'spec.containers[0].volumeMounts[0].name: Not found: "data"',
    ]);
  });

  it("parses quantities and keeps requests within limits", () => {
    const errs = validateObject(
      pod({
        containers: [
          {
            name: "web",
            image: "nginx",
            resources: {
              limits: { cpu: "500m", memory: "lots", "nvidia.com/gpu": "1" },
              requests: { cpu: "1", "nvidia.com/gpu": "2", memory: "-1Mi" },
            },
          },
        ],
      }),
    );
    expect(messages(errs)).toEqual([
      "spec.containers[0].resources.limits[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      'spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m',
      'spec.containers[0].resources.requests: Invalid value: "2": must be equal to nvidia.com/gpu limit of 1',
      'spec.containers[0].resources.requests[memory]: Invalid value: "-1Mi": must be greater than or equal to 0',
    ]);
  });

  it("checks probes and env", () => {
    const errs = validateObject(
      pod({
        containers: [
          {
            name: "web",
            image: "nginx",
            livenessProbe: { successThreshold: 2, httpGet: { port: "http_" } },
            readinessProbe: {},
            env: [
              { name: "A=B", value: "x" },
              { name: "C", value: "x", valueFrom: { fieldRef: { fieldPath: "spec.bogus" } } },
            ],
          },
        ],
      }),
    );
    expect(errs.map((e) => e.field)).toEqual([
      "spec.containers[0].env[0].name",
      "spec.containers[0].env[1].valueFrom",
      "spec.containers[0].env[1].valueFrom.fieldRef.fieldPath",
      "spec.containers[0].livenessProbe.httpGet.port",
      "spec.containers[0].livenessProbe.successThreshold",
      "spec.containers[0].readinessProbe",
    ]);
    expect(formatFieldError(errs[5] as FieldError)).toBe(
      "spec.containers[0].readinessProbe: Required value: must specify a handler type",
    );
  });
});

describe("validateObject: workloads", () => {
  it("accepts a valid deployment", () => {
    expect(validateObject(deployment())).toEqual([]);
    expect(validateObject(applyDefaults(deployment()))).toEqual([]);
  });

  it("refuses negative replicas", () => {
    expect(messages(validateObject(deployment({ replicas: -1 })))).toEqual([
      "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
    ]);
  });

  it("requires the template labels to match the selector", () => {
    const d = deployment({ selector: { matchLabels: { app: "api" } } });
    expect(messages(validateObject(d))).toEqual([
      'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ]);
    const empty = deployment({ selector: {} });
    expect(messages(validateObject(empty))).toEqual([
      "spec.selector: Invalid value: {}: empty selector is invalid for deployment",
    ]);
  });

  it("requires restartPolicy Always in a Deployment's template", () => {
    const d = deployment();
    d.spec.template.spec.restartPolicy = "Never";
    expect(messages(validateObject(d))).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  it("checks the rolling update parameters", () => {
    const d = deployment({
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: "0%" } },
    });
    expect(messages(validateObject(d))).toEqual([
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
    ]);
  });

  it("checks ReplicaSets like Deployments", () => {
    const rs = { ...deployment({ replicas: -2 }), kind: "ReplicaSet" };
    delete (rs.spec as { strategy?: unknown }).strategy;
    expect(messages(validateObject(rs))).toEqual([
      "spec.replicas: Invalid value: -2: must be greater than or equal to 0",
    ]);
  });

  it("requires OnFailure or Never in a Job's template", () => {
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "pi", namespace: "default" },
      spec: { template: { spec: { containers: [{ name: "pi", image: "perl" }] } } },
    };
    expect(messages(validateObject(job))).toEqual([
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
    expect(messages(validateObject(applyDefaults(job)))).toEqual([
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
    job.spec.template.spec = { ...job.spec.template.spec, restartPolicy: "Never" } as never;
    expect(validateObject(job)).toEqual([]);
  });

  it("requires a CronJob schedule", () => {
    const cj = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "c", namespace: "default" },
      spec: {
        schedule: "",
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "x" }] } } },
        },
      },
    };
    expect(messages(validateObject(cj))).toEqual(["spec.schedule: Required value"]);
  });
});

describe("validateObject: other kinds", () => {
  it("checks Service ports", () => {
    const svc: Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: "default" },
      spec: {
        ports: [
          { port: 80, targetPort: 70000 },
          { name: "x", port: 0, nodePort: 30000 },
        ],
      },
    };
    expect(messages(validateObject(svc))).toEqual([
      "spec.ports[0].name: Required value",
      "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
      "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      "spec.ports[1].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
    expect(messages(validateObject({ ...svc, spec: {} }))).toEqual(["spec.ports: Required value"]);
    expect(validateObject({ ...svc, spec: { clusterIP: "None" } })).toEqual([]);
  });

  it("checks Lease fields", () => {
    const lease = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "n1", namespace: "kube-node-lease" },
      spec: { leaseDurationSeconds: 0, leaseTransitions: -1 },
    };
    expect(messages(validateObject(lease))).toEqual([
      "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
      "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
    ]);
  });

  it("checks HPA replica bounds", () => {
    const hpa = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "h", namespace: "default" },
      spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, minReplicas: 5, maxReplicas: 2 },
    };
    expect(messages(validateObject(hpa))).toEqual([
      "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
    ]);
  });

  it("checks ConfigMap and Secret keys and Secret types", () => {
    const cm = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "default" },
      data: { "a b": "x" },
    };
    expect(validateObject(cm).map((e) => e.field)).toEqual(["data[a b]"]);
    const tls = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "default" },
      type: "kubernetes.io/tls",
      data: { "tls.crt": "eA==" },
    };
    expect(messages(validateObject(tls))).toEqual(["data[tls.key]: Required value"]);
  });

  it("reports schema problems and unknown kinds", () => {
    expect(
      messages(
        validateObject({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "p", namespace: "d" },
          spec: { containers: [], nodeNamee: "x" },
        } as never),
      ),
    ).toEqual(['unknown field "spec.nodeNamee"']);
    expect(messages(validateObject({ apiVersion: "v1", kind: "Gizmo" }))).toEqual([
      'kind: Invalid value: "Gizmo": no kind "Gizmo" is registered for version "v1"',
    ]);
  });
});

describe("validateUpdate", () => {
  it("keeps identity and workload selectors fixed", () => {
    const old = deployment();
    const changed = deployment({ selector: { matchLabels: { app: "web", tier: "x" } } });
    changed.metadata = { ...changed.metadata, name: "other" };
    expect(messages(validateUpdate(changed, old))).toEqual([
      'metadata.name: Invalid value: "other": field is immutable',
      'spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"x"}}: field is immutable',
    ]);
    expect(validateUpdate(deployment({ replicas: 5 }), old)).toEqual([]);
  });

  it("lets a pod change only images, a shorter deadline and added tolerations", () => {
    const old = pod({ activeDeadlineSeconds: 100, tolerations: [{ key: "a", operator: "Exists" }] });
    const ok = pod({
      containers: [{ name: "web", image: "nginx:1.27" }],
      activeDeadlineSeconds: 50,
      tolerations: [
        { key: "a", operator: "Exists" },
        { key: "b", operator: "Exists" },
      ],
    });
    expect(validateUpdate(ok, old)).toEqual([]);
    const bad = pod({
      activeDeadlineSeconds: 100,
      nodeName: "n1",
      tolerations: [{ key: "a", operator: "Exists" }],
    });
    expect(validateUpdate(bad, old).map((e) => [e.type, e.field])).toEqual([["Forbidden", "spec"]]);
    const longer = pod({ activeDeadlineSeconds: 200, tolerations: [{ key: "a", operator: "Exists" }] });
    expect(messages(validateUpdate(longer, old))).toEqual([
      "spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value",
    ]);
  });

  it("keeps a Service's cluster IP and a Job's selector", () => {
    const svc = (clusterIP: string): Service => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: "default" },
      spec: { clusterIP, ports: [{ port: 80 }] },
    });
    expect(messages(validateUpdate(svc("10.0.0.2"), svc("10.0.0.1")))).toEqual([
      'spec.clusterIP: Invalid value: "10.0.0.2": field is immutable',
    ]);
    const job = (app: string) => ({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j", namespace: "default" },
      spec: {
        selector: { matchLabels: { app } },
        template: {
          metadata: { labels: { app } },
          spec: { restartPolicy: "Never", containers: [{ name: "c", image: "x" }] },
        },
      },
    });
    expect(validateUpdate(job("b"), job("a")).map((e) => e.field)).toEqual([
      "spec.selector",
      "spec.template",
    ]);
  });

  it("keeps namespace and uid of any kind", () => {
    const cm = (uid: string) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "default", uid },
    });
    expect(messages(validateUpdate(cm("b"), cm("a")))).toEqual([
      'metadata.uid: Invalid value: "b": field is immutable',
    ]);
  });
});

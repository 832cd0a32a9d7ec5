import { describe, expect, it } from "vitest";
import { DecodeError, decodeObject, InvalidObjectError } from "../src/decode.js";
import type { Deployment } from "../src/schemas/apps.js";
import { formatFieldError } from "../src/validation/field-error.js";

function deployment(spec: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", creationTimestamp: null },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
      ...spec,
    },
    status: {},
  };
}

function decodeError(
  raw: unknown,
  unknownFields: "strict" | "warn" | "ignore" = "strict",
): InvalidObjectError {
  try {
    decodeObject(raw, { unknownFields });
  } catch (err) {
    if (err instanceof InvalidObjectError) return err;
    throw err;
  }
  throw new Error("decoded without error");
}

describe("decodeObject", () => {
  it("decodes a known kind, reading null as absent like Go does", () => {
    const { object, warnings } = decodeObject<Deployment>(deployment({ replicas: 2 }));
    expect(object.spec.replicas).toBe(2);
    expect(object.metadata.creationTimestamp).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("names unknown kinds and versions as Kubernetes does", () => {
    expect(() => decodeObject({ apiVersion: "v1", kind: "Foo" })).toThrow(
      new DecodeError('no kind "Foo" is registered for version "v1"'),
    );
    expect(() => decodeObject({ apiVersion: "apps/v2", kind: "Deployment" })).toThrow(
      /no kind "Deployment" is registered for version "apps\/v2"/,
    );
    expect(() => decodeObject({ apiVersion: "v1" })).toThrow(/Object 'Kind' is missing/);
    expect(() => decodeObject([])).toThrow(DecodeError);
  });

  it("refuses unknown fields under strict, with their paths and the strict decoder's words", () => {
    const err = decodeError(
      deployment({
        replicaz: 3,
        template: { spec: { containers: [{ name: "c", image: "x", imagee: "y" }] } },
      }),
    );
    expect(err.unknownFields.sort()).toEqual(["spec.replicaz", "spec.template.spec.containers[0].imagee"]);
    expect(err.kind).toBe("Deployment");
    expect(err.objectName).toBe("web");
    expect(err.message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagee", unknown field "spec.replicaz"',
    );
  });

  it("drops unknown fields under warn and ignore, and lists them as warnings", () => {
    for (const policy of ["warn", "ignore"] as const) {
      const { object, warnings } = decodeObject<Deployment>(deployment({ replicas: 1, replicaz: 3 }), {
        unknownFields: policy,
      });
      expect(warnings).toEqual(['unknown field "spec.replicaz"']);
      expect(object.spec).not.toHaveProperty("replicaz");
      expect(object.spec.replicas).toBe(1);
    }
  });

  it("turns type errors into field errors with the right path", () => {
    const err = decodeError(deployment({ replicas: "three", minReadySeconds: 1.5 }));
    expect(err.errors.map(formatFieldError)).toEqual([
      'spec.replicas: Invalid value: "three": must be of type integer',
      "spec.minReadySeconds: Invalid value: 1.5: must be of type integer",
    ]);
    expect(err.message).toMatch(/^Deployment\.apps "web" is invalid: \[spec\.replicas: Invalid value/);
  });

  it("prints map keys in brackets and reports unions and enums", () => {
    const err = decodeError({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", labels: { app: 1 } },
      spec: {
        restartPolicy: "Sometimes",
        containers: [
          {
            name: "c",
            image: "x",
            resources: { limits: { cpu: true } },
            ports: [{ containerPort: 80, protocol: "tcp" }],
          },
        ],
      },
    });
    expect(err.errors.map(formatFieldError).sort()).toEqual(
      [
        "metadata.labels[app]: Invalid value: 1: must be of type string",
        'spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"',
        "spec.containers[0].resources.limits[cpu]: Invalid value: true: must be of type string or number",
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      ].sort(),
    );
  });

  it("reports missing required fields as Required", () => {
    const err = decodeError({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ image: "x" }] },
    });
    expect(err.errors.map(formatFieldError)).toEqual(["spec.containers[0].name: Required value"]);
  });

  it("keeps type errors under warn, after dropping unknown fields", () => {
    const err = decodeError(deployment({ replicas: "x", replicaz: 1 }), "warn");
    expect(err.errors.map((e) => e.field)).toEqual(["spec.replicas"]);
  });

  it("decodes what `kubectl create deployment --dry-run=client -o json` prints", () => {
    const raw = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { creationTimestamp: null, labels: { app: "web" }, name: "web" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "web" } },
        strategy: {},
        template: {
          metadata: { creationTimestamp: null, labels: { app: "web" } },
          spec: { containers: [{ image: "nginx", name: "nginx", resources: {} }] },
        },
      },
      status: {},
    };
    const { object } = decodeObject<Deployment>(raw, { unknownFields: "strict" });
    expect(object.spec.template.metadata).toEqual({ labels: { app: "web" } });
  });

  it("decodes lists and body-only kinds", () => {
    expect(decodeObject({ apiVersion: "v1", kind: "PodList", items: [] }).object).toMatchObject({
      items: [],
    });
    const binding = decodeObject({
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name: "p" },
      target: { kind: "Node", name: "n1" },
    });
    expect(binding.object).toMatchObject({ target: { name: "n1" } });
  });
});

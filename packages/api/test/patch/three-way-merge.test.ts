import { describe, expect, it } from "vitest";
import {
  applyStrategicMergePatch,
  createThreeWayMergePatch,
  createTwoWayMergePatch,
  type JsonObject,
  patchMetaFor,
} from "../../src/patch/index.js";
import { errorOf, unwrap } from "./helpers.js";

const meta = patchMetaFor("apps/v1", "Deployment");
const podMeta = patchMetaFor("v1", "Pod");
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

interface ManifestOptions {
  image?: string;
  side?: boolean;
  env?: JsonObject[];
  labels?: JsonObject;
}

function manifest({ image = "nginx:1.25", side = true, env, labels = { app: "web" } }: ManifestOptions = {}) {
  const containers: JsonObject[] = [{ name: "nginx", image, ...(env ? { env } : {}) }];
  if (side) containers.push({ name: "side", image: "busybox", command: ["sleep", "inf"] });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers } },
    },
  } satisfies JsonObject;
}

/** What the server holds after creating `applied`: defaults, status, and a label someone else added. */
function live(applied: JsonObject): JsonObject {
  const object = structuredClone(applied);
  const metadata = object.metadata as JsonObject;
  metadata.labels = { ...(metadata.labels as JsonObject), team: "ops" };
  metadata.uid = "u-1";
  metadata.resourceVersion = "7";
  const spec = ((object.spec as JsonObject).template as JsonObject).spec as JsonObject;
  spec.restartPolicy = "Always";
  for (const container of spec.containers as JsonObject[])
    container.terminationMessagePath = "/dev/termination-log";
  object.status = { replicas: 2, conditions: [{ type: "Available", status: "True" }] };
  return object;
}

const threeWay = (original: JsonObject | undefined, modified: JsonObject, current: JsonObject) =>
  unwrap(createThreeWayMergePatch(original, modified, current, meta));

describe("createThreeWayMergePatch", () => {
  it("is empty for an unchanged manifest, whatever the server added", () => {
    const applied = manifest();
    expect(threeWay(applied, manifest(), live(applied))).toEqual({});
  });

  it("changes only the image when only the image changed", () => {
    const applied = manifest();
    expect(threeWay(applied, manifest({ image: "nginx:1.26" }), live(applied))).toEqual({
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "nginx" }, { name: "side" }],
            containers: [{ name: "nginx", image: "nginx:1.26" }],
          },
        },
      },
    });
  });

  it("computes the patch kubectl sends when a container is dropped (KUBECTL-WIRE.md)", () => {
    const applied = manifest();
    const modified = manifest({ image: "nginx:1.26", side: false });
    (modified.metadata as JsonObject).annotations = { [LAST_APPLIED]: JSON.stringify(manifest()) };
    const current = live(applied);
    const patch = threeWay(applied, modified, current);
    expect(patch).toEqual({
      metadata: { annotations: { [LAST_APPLIED]: JSON.stringify(manifest()) } },
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "nginx" }],
            containers: [
              { name: "nginx", image: "nginx:1.26" },
              { $patch: "delete", name: "side" },
            ],
          },
        },
      },
    });
    const result = unwrap(applyStrategicMergePatch(current, patch, meta));
    expect((result.spec as { template: { spec: JsonObject } }).template.spec.containers).toEqual([
      { name: "nginx", image: "nginx:1.26", terminationMessagePath: "/dev/termination-log" },
    ]);
  });

  it("deletes an env var the manifest no longer has", () => {
    const env = [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ];
    const applied = manifest({ env });
    const patch = threeWay(applied, manifest({ env: [{ name: "A", value: "1" }] }), live(applied));
    expect(patch).toEqual({
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "nginx" }, { name: "side" }],
            containers: [
              {
                name: "nginx",
                "$setElementOrder/env": [{ name: "A" }],
                env: [{ $patch: "delete", name: "B" }],
              },
            ],
          },
        },
      },
    });
  });

  it("leaves alone what the server or other writers set: status, defaults, a foreign label", () => {
    const applied = manifest();
    const current = live(applied);
    const patch = threeWay(applied, manifest({ labels: { app: "web", tier: "front" } }), current);
    expect(patch).toEqual({ metadata: { labels: { tier: "front" } } });
    const result = unwrap(applyStrategicMergePatch(current, patch, meta));
    expect(result).toEqual({
      ...current,
      metadata: { ...(current.metadata as JsonObject), labels: { app: "web", team: "ops", tier: "front" } },
    });
  });

  it("never touches a pod's nodeName or status", () => {
    const applied = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "a" }] },
    };
    const current = {
      ...applied,
      spec: { containers: [{ name: "a" }], nodeName: "node-1" },
      status: { phase: "Running" },
    };
    expect(unwrap(createThreeWayMergePatch(applied, applied, current, podMeta))).toEqual({});
  });

  it("removes a label the manifest dropped with null", () => {
    const applied = manifest({ labels: { app: "web", old: "x" } });
    expect(threeWay(applied, manifest(), live(applied))).toEqual({ metadata: { labels: { old: null } } });
  });

  it("does not delete what the last applied configuration never had", () => {
    const applied = manifest({ side: false });
    const current = live(manifest());
    expect(threeWay(applied, manifest({ side: false }), current)).toEqual({});
  });

  it("sets everything when there is no last applied configuration, deleting nothing", () => {
    const current = live(manifest());
    expect(threeWay(undefined, manifest({ side: false }), current)).toEqual({});
    expect(threeWay(undefined, manifest({ image: "x" }), current)).toMatchObject({
      spec: { template: { spec: { containers: [{ name: "nginx", image: "x" }] } } },
    });
  });

  it("replaces a plain list whole", () => {
    const applied = manifest();
    const modified = manifest();
    (modified.spec.template.spec.containers[1] as JsonObject).command = ["sleep", "1"];
    expect(threeWay(applied, modified, live(applied))).toEqual({
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "nginx" }, { name: "side" }],
            containers: [{ name: "side", command: ["sleep", "1"] }],
          },
        },
      },
    });
  });

  it("sends $setElementOrder when only the order changed", () => {
    const applied = manifest();
    const modified = manifest();
    modified.spec.template.spec.containers.reverse();
    expect(threeWay(applied, modified, live(applied))).toEqual({
      spec: { template: { spec: { "$setElementOrder/containers": [{ name: "side" }, { name: "nginx" }] } } },
    });
  });

  it("adds and removes finalizers with the primitive list directives", () => {
    const applied = { metadata: { name: "p", finalizers: ["a", "b"] } };
    const current = { metadata: { name: "p", finalizers: ["a", "b", "server"] } };
    const modified = { metadata: { name: "p", finalizers: ["a", "c"] } };
    const patch = unwrap(createThreeWayMergePatch(applied, modified, current, podMeta));
    expect(patch).toEqual({
      metadata: {
        "$setElementOrder/finalizers": ["a", "c"],
        "$deleteFromPrimitiveList/finalizers": ["b"],
        finalizers: ["c"],
      },
    });
    const result = unwrap(applyStrategicMergePatch(current, patch, podMeta));
    expect((result.metadata as JsonObject).finalizers).toEqual(["a", "c", "server"]);
  });

  it("sends $retainKeys when a volume changes its source", () => {
    const applied = { spec: { volumes: [{ name: "data", emptyDir: {} }] } };
    const modified = { spec: { volumes: [{ name: "data", hostPath: { path: "/srv" } }] } };
    const current = { spec: { volumes: [{ name: "data", emptyDir: { medium: "" } }] } };
    const patch = unwrap(createThreeWayMergePatch(applied, modified, current, podMeta));
    expect(patch).toEqual({
      spec: {
        "$setElementOrder/volumes": [{ name: "data" }],
        volumes: [
          { name: "data", hostPath: { path: "/srv" }, emptyDir: null, $retainKeys: ["hostPath", "name"] },
        ],
      },
    });
    expect(unwrap(applyStrategicMergePatch(current, patch, podMeta))).toEqual(modified);
  });

  it("reports an element without its merge key", () => {
    const modified = { spec: { containers: [{ image: "x" }] } };
    const current = { spec: { containers: [{ name: "a" }] } };
    expect(errorOf(createThreeWayMergePatch(undefined, modified, current, podMeta))).toBe(
      "spec.containers[0]: expected an object with the merge key name",
    );
  });

  it("never mutates its inputs", () => {
    const applied = manifest();
    const modified = manifest({ image: "x", side: false });
    const current = live(applied);
    const before = structuredClone({ applied, modified, current });
    threeWay(applied, modified, current);
    expect({ applied, modified, current }).toEqual(before);
  });
});

describe("createTwoWayMergePatch", () => {
  it("deletes and changes from original to modified", () => {
    const original = {
      metadata: { labels: { a: "1", b: "2" } },
      spec: { containers: [{ name: "x" }, { name: "y" }] },
    };
    const modified = { metadata: { labels: { a: "1" } }, spec: { containers: [{ name: "x", image: "i" }] } };
    const patch = unwrap(createTwoWayMergePatch(original, modified, podMeta));
    expect(patch).toEqual({
      metadata: { labels: { b: null } },
      spec: {
        "$setElementOrder/containers": [{ name: "x" }],
        containers: [
          { name: "x", image: "i" },
          { $patch: "delete", name: "y" },
        ],
      },
    });
    expect(unwrap(applyStrategicMergePatch(original, patch, podMeta))).toEqual(modified);
  });
});

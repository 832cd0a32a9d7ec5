import { describe, expect, it } from "vitest";
import {
  applyStrategicMergePatch,
  atomicMeta,
  type JsonObject,
  type JsonValue,
  patchMetaFor,
} from "../../src/patch/index.js";
import { errorOf, unwrap } from "./helpers.js";

const deploymentMeta = patchMetaFor("apps/v1", "Deployment");
const podMeta = patchMetaFor("v1", "Pod");

function deployment(containers: JsonValue[], extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", annotations: { a: "1" } },
    spec: { replicas: 2, template: { metadata: { labels: { app: "web" } }, spec: { containers, ...extra } } },
  };
}

function pod(spec: JsonObject, metadata: JsonObject = {}): JsonObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p", ...metadata }, spec };
}

const applyPod = (target: JsonObject, patch: unknown) =>
  unwrap(applyStrategicMergePatch(target, patch, podMeta));
const podSpec = (target: JsonObject) => target.spec as JsonObject;

describe("applyStrategicMergePatch", () => {
  it("applies the patch kubectl apply sends (KUBECTL-WIRE.md)", () => {
    const live = deployment([
      { name: "nginx", image: "nginx:1.25", ports: [{ containerPort: 80 }] },
      { name: "side", image: "busybox" },
    ]);
    const patch = {
      metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" } },
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
    };
    expect(unwrap(applyStrategicMergePatch(live, patch, deploymentMeta))).toEqual({
      ...live,
      metadata: {
        name: "web",
        namespace: "default",
        annotations: { a: "1", "kubectl.kubernetes.io/last-applied-configuration": "{}" },
      },
      spec: {
        replicas: 2,
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "nginx", image: "nginx:1.26", ports: [{ containerPort: 80 }] }] },
        },
      },
    });
  });

  it("merges env by name, keeping variables the patch does not name", () => {
    const live = pod({
      containers: [
        {
          name: "app",
          env: [
            { name: "A", value: "1" },
            { name: "B", value: "2" },
          ],
        },
      ],
    });
    const patch = { spec: { containers: [{ name: "app", env: [{ name: "B", value: "two" }] }] } };
    expect(podSpec(applyPod(live, patch)).containers).toEqual([
      {
        name: "app",
        env: [
          { name: "A", value: "1" },
          { name: "B", value: "two" },
        ],
      },
    ]);
  });

  it("merges ports by containerPort and volumeMounts by mountPath", () => {
    const live = pod({
      containers: [
        {
          name: "app",
          ports: [{ containerPort: 80, name: "http" }],
          volumeMounts: [{ mountPath: "/data", name: "data" }],
        },
      ],
    });
    const patch = {
      spec: {
        containers: [
          {
            name: "app",
            ports: [{ containerPort: 80, protocol: "TCP" }, { containerPort: 443 }],
            volumeMounts: [{ mountPath: "/data", readOnly: true }],
          },
        ],
      },
    };
    const [container] = podSpec(applyPod(live, patch)).containers as JsonObject[];
    // Without $setElementOrder, new elements go before the ones the patch does not mention.
    expect(container?.ports).toEqual([
      { containerPort: 80, name: "http", protocol: "TCP" },
      { containerPort: 443 },
    ]);
    expect(container?.volumeMounts).toEqual([{ mountPath: "/data", name: "data", readOnly: true }]);
  });

  it("puts a new container first when there is no $setElementOrder, as Kubernetes does", () => {
    const live = pod({ containers: [{ name: "patch-demo-ctr", image: "nginx" }] });
    const patch = { spec: { containers: [{ name: "patch-demo-ctr-2", image: "redis" }] } };
    expect(podSpec(applyPod(live, patch)).containers).toEqual([
      { name: "patch-demo-ctr-2", image: "redis" },
      { name: "patch-demo-ctr", image: "nginx" },
    ]);
  });

  it("orders by $setElementOrder, slotting server-only elements in by their live position", () => {
    const live = pod({ containers: ["c", "b", "d", "a", "e"].map((name) => ({ name })) });
    const patch = {
      spec: {
        "$setElementOrder/containers": [{ name: "a" }, { name: "b" }, { name: "f" }],
        containers: [{ name: "a", image: "x" }, { name: "f" }],
      },
    };
    const names = (podSpec(applyPod(live, patch)).containers as JsonObject[]).map((c) => c.name);
    expect(names).toEqual(["c", "d", "a", "b", "f", "e"]);
  });

  it("reorders with a $setElementOrder alone", () => {
    const live = pod({ containers: [{ name: "b" }, { name: "a" }] });
    const patch = { spec: { "$setElementOrder/containers": [{ name: "a" }, { name: "b" }] } };
    expect(podSpec(applyPod(live, patch)).containers).toEqual([{ name: "a" }, { name: "b" }]);
  });

  it("deletes keys with null, at any depth", () => {
    const live = pod({ nodeSelector: { disk: "ssd", zone: "a" }, hostname: "h" }, { labels: { app: "x" } });
    const patch = { metadata: { labels: null }, spec: { nodeSelector: { zone: null }, hostname: null } };
    expect(applyPod(live, patch)).toEqual(pod({ nodeSelector: { disk: "ssd" } }));
  });

  it("replaces a map with $patch: replace and deletes it with $patch: delete", () => {
    const live = pod({ nodeSelector: { disk: "ssd", zone: "a" }, securityContext: { runAsUser: 1 } });
    const patch = {
      spec: { nodeSelector: { $patch: "replace", gpu: "yes" }, securityContext: { $patch: "delete" } },
    };
    expect(applyPod(live, patch)).toEqual(pod({ nodeSelector: { gpu: "yes" } }));
  });

  it("replaces a keyed list with a $patch: replace element", () => {
    const live = pod({ containers: [{ name: "a", image: "1" }, { name: "b" }] });
    const patch = { spec: { containers: [{ $patch: "replace" }, { name: "c", image: "3" }] } };
    expect(podSpec(applyPod(live, patch)).containers).toEqual([{ name: "c", image: "3" }]);
  });

  it("merges finalizers as a set and deletes with $deleteFromPrimitiveList", () => {
    const live = pod({}, { finalizers: ["a", "b", "c"] });
    const union = applyPod(live, { metadata: { finalizers: ["c", "d"] } });
    expect((union.metadata as JsonObject).finalizers).toEqual(["a", "b", "c", "d"]);
    const added = applyPod(live, { metadata: { finalizers: ["d", "a"] } });
    expect((added.metadata as JsonObject).finalizers).toEqual(["d", "a", "b", "c"]);
    const ordered = applyPod(live, {
      metadata: {
        "$setElementOrder/finalizers": ["a", "b", "d"],
        finalizers: ["d"],
        "$deleteFromPrimitiveList/finalizers": ["c"],
      },
    });
    expect((ordered.metadata as JsonObject).finalizers).toEqual(["a", "b", "d"]);
  });

  it("merges ownerReferences by uid", () => {
    const live = pod({}, { ownerReferences: [{ uid: "1", name: "rs-a" }] });
    const patched = applyPod(live, { metadata: { ownerReferences: [{ uid: "1", controller: true }] } });
    expect((patched.metadata as JsonObject).ownerReferences).toEqual([
      { uid: "1", name: "rs-a", controller: true },
    ]);
  });

  it("replaces plain lists: command, args and tolerations", () => {
    const live = pod({
      containers: [{ name: "app", command: ["sh", "-c"], args: ["sleep 1"] }],
      tolerations: [{ key: "a", operator: "Exists" }],
    });
    const patch = {
      spec: {
        containers: [{ name: "app", args: ["sleep 2"] }],
        tolerations: [{ key: "b", operator: "Exists" }],
      },
    };
    expect(podSpec(applyPod(live, patch))).toEqual({
      containers: [{ name: "app", command: ["sh", "-c"], args: ["sleep 2"] }],
      tolerations: [{ key: "b", operator: "Exists" }],
    });
  });

  it("keeps only $retainKeys in a volume", () => {
    const live = pod({ volumes: [{ name: "data", emptyDir: {} }] });
    const patch = {
      spec: { volumes: [{ name: "data", hostPath: { path: "/srv" }, $retainKeys: ["hostPath", "name"] }] },
    };
    expect(podSpec(applyPod(live, patch)).volumes).toEqual([{ name: "data", hostPath: { path: "/srv" } }]);
  });

  it("keeps only $retainKeys in a Deployment strategy", () => {
    const live = deployment([], {});
    (live.spec as JsonObject).strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } };
    const patch = { spec: { strategy: { type: "Recreate", $retainKeys: ["type"] } } };
    const result = unwrap(applyStrategicMergePatch(live, patch, deploymentMeta));
    expect((result.spec as JsonObject).strategy).toEqual({ type: "Recreate" });
  });

  it("merges status conditions by type", () => {
    const live = {
      status: {
        conditions: [
          { type: "Ready", status: "False" },
          { type: "Initialized", status: "True" },
        ],
      },
    };
    const patch = { status: { conditions: [{ type: "Ready", status: "True" }] } };
    const result = unwrap(applyStrategicMergePatch(live, patch, patchMetaFor("v1", "Node")));
    expect((result.status as JsonObject).conditions).toEqual([
      { type: "Ready", status: "True" },
      { type: "Initialized", status: "True" },
    ]);
  });

  it("merges a pod template inside a CronJob", () => {
    const live: JsonObject = {
      spec: {
        jobTemplate: {
          spec: { template: { spec: { containers: [{ name: "a", image: "1" }, { name: "b" }] } } },
        },
      },
    };
    const patch = {
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "a", image: "2" }] } } } } },
    };
    const result = unwrap(applyStrategicMergePatch(live, patch, patchMetaFor("batch/v1", "CronJob")));
    expect(result).toEqual({
      spec: {
        jobTemplate: {
          spec: { template: { spec: { containers: [{ name: "a", image: "2" }, { name: "b" }] } } },
        },
      },
    });
  });

  it("follows a client's $setElementOrder on a list our metadata calls atomic", () => {
    const live = {
      spec: {
        items: [
          { id: "a", v: 1 },
          { id: "b", v: 2 },
        ],
      },
    };
    const patch = {
      spec: { "$setElementOrder/items": [{ id: "a" }, { id: "b" }], items: [{ id: "b", v: 3 }] },
    };
    const result = unwrap(applyStrategicMergePatch(live, patch, atomicMeta));
    expect(result).toEqual({
      spec: {
        items: [
          { id: "a", v: 1 },
          { id: "b", v: 3 },
        ],
      },
    });
  });

  it("replaces lists with plain merge semantics for unknown kinds", () => {
    const live = { spec: { list: [1, 2], map: { a: 1 } } };
    const result = unwrap(
      applyStrategicMergePatch(
        live,
        { spec: { list: [3], map: { b: 2 } } },
        patchMetaFor("x.io/v1", "Thing"),
      ),
    );
    expect(result).toEqual({ spec: { list: [3], map: { a: 1, b: 2 } } });
  });

  it("never mutates the target or the patch", () => {
    const live = pod(
      { containers: [{ name: "a", env: [{ name: "X", value: "1" }] }] },
      { finalizers: ["f"] },
    );
    const patch = {
      metadata: { finalizers: ["g"] },
      spec: { containers: [{ name: "a", env: [{ name: "X", value: "2" }] }, { name: "b" }] },
    };
    const before = structuredClone({ live, patch });
    const result = applyPod(live, patch);
    expect({ live, patch }).toEqual(before);
    ((podSpec(result).containers as JsonObject[])[1] as JsonObject).image = "changed";
    expect({ live, patch }).toEqual(before);
  });

  describe("errors", () => {
    it("rejects an unknown directive, naming where", () => {
      expect(errorOf(applyStrategicMergePatch(pod({}), { spec: { $frobnicate: 1 } }, podMeta))).toBe(
        "spec.$frobnicate: unknown patch directive",
      );
      expect(errorOf(applyStrategicMergePatch(pod({}), { spec: { $patch: "explode" } }, podMeta))).toContain(
        'spec.$patch: unknown directive "explode"',
      );
    });

    it("rejects a keyed list element without its merge key", () => {
      const message = errorOf(
        applyStrategicMergePatch(
          pod({ containers: [] }),
          { spec: { containers: [{ image: "x" }] } },
          podMeta,
        ),
      );
      expect(message).toBe("spec.containers[0]: expected an object with the merge key name");
    });

    it("rejects a patch element missing from $setElementOrder", () => {
      const patch = { spec: { "$setElementOrder/containers": [{ name: "a" }], containers: [{ name: "b" }] } };
      expect(errorOf(applyStrategicMergePatch(pod({ containers: [] }), patch, podMeta))).toContain(
        "missing from $setElementOrder",
      );
    });

    it("rejects a patch setting a field its $retainKeys leaves out", () => {
      const patch = { spec: { volumes: [{ name: "v", emptyDir: {}, $retainKeys: ["name"] }] } };
      expect(errorOf(applyStrategicMergePatch(pod({ volumes: [] }), patch, podMeta))).toContain(
        "does not list it",
      );
    });

    it("rejects a body that is not an object", () => {
      expect(errorOf(applyStrategicMergePatch(pod({}), [1], podMeta))).toContain("must be a JSON object");
    });
  });
});

import { describe, expect, it } from "vitest";
import { atomicMeta, type PatchMeta, patchMetaFor } from "../../src/patch/index.js";

function at(meta: PatchMeta, ...path: string[]): PatchMeta | undefined {
  let node: PatchMeta | undefined = meta;
  for (const field of path) node = node?.fields?.[field];
  return node;
}

describe("patchMetaFor", () => {
  const podSpecPaths: [string, string, string[]][] = [
    ["v1", "Pod", ["spec"]],
    ["v1", "ReplicationController", ["spec", "template", "spec"]],
    ["apps/v1", "Deployment", ["spec", "template", "spec"]],
    ["apps/v1", "ReplicaSet", ["spec", "template", "spec"]],
    ["batch/v1", "Job", ["spec", "template", "spec"]],
    ["batch/v1", "CronJob", ["spec", "jobTemplate", "spec", "template", "spec"]],
  ];

  it.each(podSpecPaths)("%s %s has the PodSpec merge keys", (apiVersion, kind, path) => {
    const spec = at(patchMetaFor(apiVersion, kind), ...path);
    expect(at(spec ?? {}, "containers")?.mergeKey).toBe("name");
    expect(at(spec ?? {}, "initContainers")?.mergeKey).toBe("name");
    expect(at(spec ?? {}, "ephemeralContainers")?.mergeKey).toBe("name");
    expect(at(spec ?? {}, "containers", "ports")?.mergeKey).toBe("containerPort");
    expect(at(spec ?? {}, "containers", "env")?.mergeKey).toBe("name");
    expect(at(spec ?? {}, "containers", "volumeMounts")?.mergeKey).toBe("mountPath");
    expect(at(spec ?? {}, "containers", "volumeDevices")?.mergeKey).toBe("devicePath");
    expect(at(spec ?? {}, "volumes")).toMatchObject({ merge: true, mergeKey: "name", retainKeys: true });
    expect(at(spec ?? {}, "imagePullSecrets")?.mergeKey).toBe("name");
    expect(at(spec ?? {}, "hostAliases")?.mergeKey).toBe("ip");
    expect(at(spec ?? {}, "topologySpreadConstraints")?.mergeKey).toBe("topologyKey");
    expect(at(spec ?? {}, "tolerations")).toBeUndefined();
    expect(at(spec ?? {}, "containers", "command")).toBeUndefined();
  });

  it("describes object metadata for every kind it knows", () => {
    const meta = patchMetaFor("apps/v1", "Deployment");
    expect(at(meta, "metadata", "ownerReferences")).toMatchObject({ merge: true, mergeKey: "uid" });
    expect(at(meta, "metadata", "finalizers")).toMatchObject({ merge: true });
    expect(at(meta, "metadata", "finalizers")?.mergeKey).toBeUndefined();
  });

  it("covers the other merged lists", () => {
    expect(at(patchMetaFor("apps/v1", "Deployment"), "spec", "strategy")?.retainKeys).toBe(true);
    expect(at(patchMetaFor("v1", "Service"), "spec", "ports")?.mergeKey).toBe("port");
    expect(at(patchMetaFor("v1", "Node"), "status", "addresses")?.mergeKey).toBe("type");
    expect(at(patchMetaFor("v1", "Node"), "spec", "taints")).toBeUndefined();
    expect(at(patchMetaFor("v1", "Endpoints"), "subsets")).toBeUndefined();
    for (const [apiVersion, kind] of [
      ["v1", "Pod"],
      ["v1", "Node"],
      ["apps/v1", "Deployment"],
      ["apps/v1", "ReplicaSet"],
      ["batch/v1", "Job"],
    ] as const) {
      expect(at(patchMetaFor(apiVersion, kind), "status", "conditions")?.mergeKey).toBe("type");
    }
  });

  it("ignores the version but not the group", () => {
    expect(patchMetaFor("apps/v1beta2", "Deployment")).toBe(patchMetaFor("apps/v1", "Deployment"));
    expect(patchMetaFor("example.com/v1", "Deployment")).toBe(atomicMeta);
  });

  it("treats unknown kinds as atomic", () => {
    expect(patchMetaFor("example.com/v1", "Widget")).toEqual({});
  });
});

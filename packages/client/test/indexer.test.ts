import { describe, expect, it } from "vitest";
import { Indexer } from "../src/indexer.js";
import { objectKey, splitKey } from "../src/kube-object.js";

interface Pod {
  metadata: {
    name: string;
    namespace?: string;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string }[];
  };
  spec?: { nodeName?: string };
}

function pod(name: string, namespace: string, owner?: string, nodeName?: string): Pod {
  return {
    metadata: {
      name,
      namespace,
      ...(owner
        ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: owner, uid: owner }] }
        : {}),
    },
    spec: nodeName ? { nodeName } : {},
  };
}

describe("keys", () => {
  it("are namespace/name, or name for cluster-scoped objects", () => {
    expect(objectKey({ metadata: { name: "web", namespace: "default" } })).toBe("default/web");
    expect(objectKey({ metadata: { name: "node-1" } })).toBe("node-1");
    expect(splitKey("default/web")).toEqual({ namespace: "default", name: "web" });
    expect(splitKey("node-1")).toEqual({ namespace: "", name: "node-1" });
  });
});

describe("Indexer", () => {
  it("indexes by namespace, owner uid and custom functions, and keeps indexes right on update and delete", () => {
    const idx = new Indexer<Pod>({ nodeName: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) });
    idx.set(pod("a", "ns1", "rs1", "n1"));
    idx.set(pod("b", "ns1", "rs1"));
    idx.set(pod("c", "ns2", "rs2", "n1"));
    const names = (ps: Pod[]) => ps.map((p) => p.metadata.name).sort();

    expect(names(idx.byIndex("namespace", "ns1"))).toEqual(["a", "b"]);
    expect(names(idx.byIndex("ownerUid", "rs1"))).toEqual(["a", "b"]);
    expect(names(idx.byIndex("nodeName", "n1"))).toEqual(["a", "c"]);

    // b is bound to n2; a moves owner.
    idx.set(pod("b", "ns1", "rs1", "n2"));
    idx.set(pod("a", "ns1", "rs2", "n1"));
    expect(names(idx.byIndex("nodeName", "n2"))).toEqual(["b"]);
    expect(names(idx.byIndex("ownerUid", "rs1"))).toEqual(["b"]);
    expect(names(idx.byIndex("ownerUid", "rs2"))).toEqual(["a", "c"]);

    expect(idx.delete("ns2/c")?.metadata.name).toBe("c");
    expect(names(idx.byIndex("nodeName", "n1"))).toEqual(["a"]);
    expect(idx.byIndex("namespace", "ns2")).toEqual([]);
    expect(idx.get("ns1/a")?.metadata.name).toBe("a");
    expect(idx.size).toBe(2);
  });

  it("files existing objects under an index added later, and rejects unknown or duplicate indexes", () => {
    const idx = new Indexer<Pod>();
    idx.set(pod("a", "ns1", undefined, "n1"));
    idx.addIndexers({ nodeName: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) });
    expect(idx.byIndex("nodeName", "n1")).toHaveLength(1);
    expect(() => idx.byIndex("nope", "x")).toThrow(/index "nope" does not exist/);
    expect(() => idx.addIndexers({ namespace: () => [] })).toThrow(/already exists/);
  });

  it("replaces its whole content", () => {
    const idx = new Indexer<Pod>();
    idx.set(pod("a", "ns1"));
    idx.replace([pod("b", "ns2")]);
    expect(idx.keys()).toEqual(["ns2/b"]);
    expect(idx.byIndex("namespace", "ns1")).toEqual([]);
  });
});

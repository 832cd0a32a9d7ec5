import { describe, expect, it } from "vitest";
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  DISCOVERY_V2_CONTENT_TYPE,
  storageVersionHash,
} from "../../src/discovery/discovery.js";

describe("legacy discovery", () => {
  it("GET /api lists the core version and the address clients should use", () => {
    expect(apiVersions("10.0.0.1:6443")).toEqual({
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "10.0.0.1:6443" }],
    });
  });

  it("GET /apis lists named groups only, each with a preferred version", () => {
    const list = apiGroupList();
    expect(list.kind).toBe("APIGroupList");
    expect(list.apiVersion).toBe("v1");
    const names = list.groups.map((g) => g.name);
    expect(names).toEqual(expect.arrayContaining(["apps", "batch", "autoscaling", "coordination.k8s.io"]));
    expect(names).not.toContain("");
    const apps = list.groups.find((g) => g.name === "apps");
    expect(apps).toEqual({
      name: "apps",
      versions: [{ groupVersion: "apps/v1", version: "v1" }],
      preferredVersion: { groupVersion: "apps/v1", version: "v1" },
    });
    expect(apiGroup("apps")).toMatchObject({ kind: "APIGroup", name: "apps" });
    expect(apiGroup("nope.example.com")).toBeUndefined();
  });

  it("GET /api/v1 describes pods with short name, category, verbs and subresources", () => {
    const list = apiResourceList("", "v1");
    expect(list).toBeDefined();
    expect(list?.groupVersion).toBe("v1");
    const byName = new Map(list?.resources.map((r) => [r.name, r]));
    expect(byName.get("pods")).toEqual({
      name: "pods",
      singularName: "pod",
      namespaced: true,
      kind: "Pod",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      shortNames: ["po"],
      categories: ["all"],
      // The value a real apiserver serves for pods.
      storageVersionHash: "xPOwRZ+Yhw8=",
    });
    expect(byName.get("pods/status")).toEqual({
      name: "pods/status",
      singularName: "",
      namespaced: true,
      kind: "Pod",
      verbs: ["get", "patch", "update"],
    });
    expect(byName.get("pods/log")).toMatchObject({ kind: "Pod", verbs: ["get"] });
    expect(byName.get("pods/exec")).toMatchObject({ kind: "PodExecOptions" });
    expect(byName.get("pods/binding")).toMatchObject({ kind: "Binding", verbs: ["create"] });
    expect(byName.get("pods/eviction")).toMatchObject({ group: "policy", version: "v1", kind: "Eviction" });
    expect(byName.get("nodes")).toMatchObject({ namespaced: false, shortNames: ["no"] });
    expect(byName.get("namespaces")).toMatchObject({ namespaced: false, shortNames: ["ns"] });
    expect(byName.get("namespaces")).not.toHaveProperty("categories");
    expect(byName.get("services")).toMatchObject({ shortNames: ["svc"], categories: ["all"] });
    expect(byName.get("configmaps")).toMatchObject({ shortNames: ["cm"] });
    // Secrets are deliberately not in "all", as in Kubernetes.
    expect(byName.get("secrets")).not.toHaveProperty("categories");
    const names = list?.resources.map((r) => r.name) ?? [];
    expect(names).toEqual([...names].sort());
  });

  it("GET /apis/apps/v1 points deployments/scale at autoscaling/v1 Scale", () => {
    const list = apiResourceList("apps", "v1");
    const byName = new Map(list?.resources.map((r) => [r.name, r]));
    expect(byName.get("deployments")).toMatchObject({
      kind: "Deployment",
      shortNames: ["deploy"],
      categories: ["all"],
      storageVersionHash: "8aSe+NMegvE=",
    });
    expect(byName.get("deployments/scale")).toEqual({
      name: "deployments/scale",
      singularName: "",
      namespaced: true,
      group: "autoscaling",
      version: "v1",
      kind: "Scale",
      verbs: ["get", "patch", "update"],
    });
    expect(byName.get("deployments/status")).not.toHaveProperty("group");
    expect(byName.get("replicasets")).toMatchObject({ shortNames: ["rs"], categories: ["all"] });
  });

  it("unknown group-versions are not served", () => {
    expect(apiResourceList("apps", "v1beta1")).toBeUndefined();
    expect(apiResourceList("", "v2")).toBeUndefined();
  });

  it("computes Kubernetes' storage version hash", () => {
    expect(storageVersionHash("", "v1", "Service")).toBe("0/CO1lhkEBI=");
  });
});

describe("aggregated discovery", () => {
  it("advertises the content type client-go recognises", () => {
    expect(DISCOVERY_V2_CONTENT_TYPE).toBe(
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    );
  });

  it("/api holds only the core group, with scope, responseKind and subresources", () => {
    const doc = aggregatedDiscovery("core");
    expect(doc.kind).toBe("APIGroupDiscoveryList");
    expect(doc.apiVersion).toBe("apidiscovery.k8s.io/v2");
    expect(doc.items).toHaveLength(1);
    const [core] = doc.items;
    expect(core?.metadata.name ?? "").toBe("");
    expect(core?.versions.map((v) => v.version)).toEqual(["v1"]);
    expect(core?.versions[0]?.freshness).toBe("Current");
    const pods = core?.versions[0]?.resources.find((r) => r.resource === "pods");
    expect(pods).toMatchObject({
      resource: "pods",
      responseKind: { group: "", version: "v1", kind: "Pod" },
      scope: "Namespaced",
      singularResource: "pod",
      shortNames: ["po"],
      categories: ["all"],
    });
    expect(pods?.verbs).toContain("watch");
    expect(pods?.subresources).toEqual(
      expect.arrayContaining([
        {
          subresource: "status",
          responseKind: { group: "", version: "v1", kind: "Pod" },
          verbs: ["get", "patch", "update"],
        },
        {
          subresource: "eviction",
          responseKind: { group: "policy", version: "v1", kind: "Eviction" },
          verbs: ["create"],
        },
      ]),
    );
    const nodes = core?.versions[0]?.resources.find((r) => r.resource === "nodes");
    expect(nodes?.scope).toBe("Cluster");
  });

  it("/apis holds every named group and no core group", () => {
    const doc = aggregatedDiscovery("apis");
    const names = doc.items.map((i) => i.metadata.name);
    expect(names).toEqual(expect.arrayContaining(["apps", "batch", "autoscaling", "coordination.k8s.io"]));
    expect(names).not.toContain(undefined);
    const apps = doc.items.find((i) => i.metadata.name === "apps");
    const deployments = apps?.versions[0]?.resources.find((r) => r.resource === "deployments");
    expect(deployments?.subresources).toContainEqual({
      subresource: "scale",
      responseKind: { group: "autoscaling", version: "v1", kind: "Scale" },
      verbs: ["get", "patch", "update"],
    });
    // Every resource and subresource needs a responseKind, or client-go drops it.
    for (const item of doc.items) {
      for (const v of item.versions) {
        for (const r of v.resources) {
          expect(r.responseKind.kind).not.toBe("");
          for (const s of r.subresources ?? []) expect(s.responseKind.kind).not.toBe("");
        }
      }
    }
  });
});

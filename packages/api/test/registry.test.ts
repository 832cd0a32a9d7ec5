import { describe, expect, it } from "vitest";
import {
  allKinds,
  apiVersionOf,
  groupVersions,
  kindFor,
  kindForApiVersion,
  resolveResource,
  resourceFor,
  storageKey,
  storagePrefix,
} from "../src/registry.js";

describe("registry", () => {
  it("resolves plurals, singulars, short names and kinds in any case", () => {
    expect(resolveResource("pods")?.kind).toBe("Pod");
    expect(resolveResource("pod")?.kind).toBe("Pod");
    expect(resolveResource("po")?.kind).toBe("Pod");
    expect(resolveResource("Deployment")?.plural).toBe("deployments");
    expect(resolveResource("deploy")?.group).toBe("apps");
    expect(resolveResource("HPA")?.kind).toBe("HorizontalPodAutoscaler");
    expect(resolveResource("horizontalpodautoscalers")?.version).toBe("v2");
    expect(resolveResource("cj")?.kind).toBe("CronJob");
    expect(resolveResource("ev")?.kind).toBe("Event");
    expect(resolveResource("ep")?.kind).toBe("Endpoints");
    expect(resolveResource("no")?.kind).toBe("Node");
    expect(resolveResource("ns")?.namespaced).toBe(false);
    expect(resolveResource("svc")?.kind).toBe("Service");
    expect(resolveResource("cm")?.kind).toBe("ConfigMap");
    expect(resolveResource("rs")?.kind).toBe("ReplicaSet");
  });

  it("resolves group-qualified names and refuses the wrong group", () => {
    expect(resolveResource("deployments.apps")?.kind).toBe("Deployment");
    expect(resolveResource("deploy.v1.apps")?.kind).toBe("Deployment");
    expect(resolveResource("leases.coordination.k8s.io")?.kind).toBe("Lease");
    expect(resolveResource("jobs.batch")?.kind).toBe("Job");
    expect(resolveResource("deployments.batch")).toBeUndefined();
    expect(resolveResource("pods.core")?.kind).toBe("Pod");
    expect(resolveResource("gizmos")).toBeUndefined();
    expect(resolveResource("")).toBeUndefined();
  });

  it("finds kinds by group, version and kind or by resource", () => {
    expect(kindFor({ group: "apps", version: "v1", kind: "ReplicaSet" })?.listKind).toBe("ReplicaSetList");
    expect(kindForApiVersion("batch/v1", "Job")?.plural).toBe("jobs");
    expect(kindForApiVersion("v1", "Deployment")).toBeUndefined();
    expect(resourceFor("", "v1", "services")?.kind).toBe("Service");
    expect(resourceFor("apps", "v1", "pods")).toBeUndefined();
    expect(apiVersionOf({ group: "", version: "v1" })).toBe("v1");
    expect(apiVersionOf({ group: "apps", version: "v1" })).toBe("apps/v1");
  });

  it("carries categories and subresources as Kubernetes", () => {
    const all = allKinds()
      .filter((k) => k.categories.includes("all"))
      .map((k) => k.plural)
      .sort();
    expect(all).toEqual([
      "cronjobs",
      "deployments",
      "horizontalpodautoscalers",
      "jobs",
      "pods",
      "replicasets",
      "services",
    ]);
    const pod = resolveResource("pods");
    expect(pod?.subresources.map((s) => s.name)).toEqual(["status", "binding", "log", "exec", "eviction"]);
    const deploy = resolveResource("deployments");
    expect(deploy?.subresources.find((s) => s.name === "scale")).toMatchObject({
      group: "autoscaling",
      version: "v1",
      kind: "Scale",
    });
    expect(resolveResource("configmaps")?.subresources).toEqual([]);
    expect(pod?.verbs).toContain("watch");
  });

  it("builds storage keys by scope", () => {
    const pods = resolveResource("pods")!;
    const nodes = resolveResource("nodes")!;
    expect(storageKey(pods, "default", "web-1")).toBe("/registry/pods/default/web-1");
    expect(storageKey(nodes, undefined, "n1")).toBe("/registry/nodes/n1");
    expect(storagePrefix(pods)).toBe("/registry/pods/");
    expect(storagePrefix(pods, "default")).toBe("/registry/pods/default/");
    expect(() => storageKey(pods, undefined, "web-1")).toThrow(/namespaced/);
  });

  it("serves discovery groups with the core group first", () => {
    const gvs = groupVersions().map((g) => g.groupVersion);
    expect(gvs[0]).toBe("v1");
    expect(gvs).toEqual(
      expect.arrayContaining(["apps/v1", "batch/v1", "autoscaling/v2", "coordination.k8s.io/v1"]),
    );
    expect(
      groupVersions()
        .find((g) => g.groupVersion === "apps/v1")
        ?.kinds.map((k) => k.kind),
    ).toEqual(["Deployment", "ReplicaSet"]);
  });
});

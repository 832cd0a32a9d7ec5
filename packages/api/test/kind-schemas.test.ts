import { describe, expect, it } from "vitest";
import { kindListSchema, kindSchema, schemaFor } from "../src/kind-schemas.js";
import { allKinds } from "../src/registry.js";

describe("kind schemas", () => {
  it("has a schema for every stored kind and its list", () => {
    for (const info of allKinds()) {
      expect(kindSchema(info)).toBe(schemaFor(info));
      expect(kindListSchema(info)).toBe(schemaFor({ ...info, kind: info.listKind }));
    }
  });

  it("knows the schemas of lists and of kinds that are never stored", () => {
    expect(schemaFor({ group: "", version: "v1", kind: "PodList" })).toBeDefined();
    expect(schemaFor({ group: "", version: "v1", kind: "Binding" })).toBeDefined();
    expect(schemaFor({ group: "autoscaling", version: "v1", kind: "Scale" })).toBeDefined();
    expect(schemaFor({ group: "meta.k8s.io", version: "v1", kind: "Table" })).toBeDefined();
    expect(allKinds().some((k) => k.kind === "Binding" || k.kind === "Scale")).toBe(false);
  });

  it("knows nothing of unregistered kinds or versions", () => {
    expect(schemaFor({ group: "", version: "v1", kind: "Widget" })).toBeUndefined();
    expect(schemaFor({ group: "apps", version: "v2", kind: "Deployment" })).toBeUndefined();
    expect(schemaFor({ group: "apps", version: "v2", kind: "DeploymentList" })).toBeUndefined();
  });
});

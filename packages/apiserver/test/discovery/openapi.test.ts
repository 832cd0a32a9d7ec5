import { allKinds, apiVersionOf } from "@minik8s/api";
import { describe, expect, it } from "vitest";
import { openApiDocument, openApiIndex } from "../../src/discovery/openapi.js";

interface GVK {
  group: string;
  version: string;
  kind: string;
}
interface Operation {
  parameters: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
  "x-kubernetes-action"?: string;
  "x-kubernetes-group-version-kind"?: GVK;
}
type PathItem = Partial<Record<"get" | "put" | "patch" | "post" | "delete", Operation>>;
interface SchemaObject {
  type?: string;
  properties?: Record<string, SchemaObject>;
  "x-kubernetes-group-version-kind"?: GVK[];
}
interface Doc {
  openapi: string;
  info: { title: string };
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, SchemaObject> };
}

function doc(group: string, version: string): Doc {
  const d = openApiDocument(group, version);
  if (!d) throw new Error(`no document for ${group}/${version}`);
  return d as unknown as Doc;
}

function patchOperationsFor(d: Doc, gvk: GVK): Operation[] {
  return Object.values(d.paths)
    .map((item) => item.patch)
    .filter((op): op is Operation => {
      const tag = op?.["x-kubernetes-group-version-kind"];
      return (
        tag !== undefined && tag.group === gvk.group && tag.version === gvk.version && tag.kind === gvk.kind
      );
    });
}

describe("openapi index", () => {
  it("lists each group-version under the path kubectl looks up, with a hash", () => {
    const index = openApiIndex();
    expect(Object.keys(index.paths)).toEqual(
      expect.arrayContaining(["api/v1", "apis/apps/v1", "apis/batch/v1"]),
    );
    expect(index.paths["api/v1"]?.serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    expect(index.paths["apis/apps/v1"]?.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=/);
  });

  it("gives the same hash every time and a different one per document", () => {
    const a = openApiIndex().paths;
    const b = openApiIndex().paths;
    expect(a["api/v1"]).toEqual(b["api/v1"]);
    expect(a["api/v1"]?.serverRelativeURL.split("=")[1]).not.toBe(
      a["apis/apps/v1"]?.serverRelativeURL.split("=")[1],
    );
  });
});

describe("openapi documents", () => {
  it("are OpenAPI 3.0 documents, undefined for group-versions not served", () => {
    const d = doc("apps", "v1");
    expect(d.openapi).toBe("3.0.0");
    expect(d.info.title).toBe("Kubernetes");
    expect(openApiDocument("apps", "v1beta2")).toBeUndefined();
  });

  it("declare, for every kind, a PATCH on the item path taking fieldValidation", () => {
    for (const info of allKinds()) {
      const d = doc(info.group, info.version);
      const gvk = { group: info.group, version: info.version, kind: info.kind };
      const ops = patchOperationsFor(d, gvk);
      expect(ops.length, `${apiVersionOf(info)} ${info.kind}`).toBeGreaterThan(0);
      for (const op of ops) {
        const names = op.parameters.filter((p) => p.in === "query").map((p) => p.name);
        expect(names).toContain("fieldValidation");
      }
      const prefix = info.group === "" ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
      const item = info.namespaced
        ? `${prefix}/namespaces/{namespace}/${info.plural}/{name}`
        : `${prefix}/${info.plural}/{name}`;
      expect(d.paths[item]?.patch?.["x-kubernetes-group-version-kind"]).toEqual(gvk);
      expect(d.paths[item]?.get?.["x-kubernetes-action"]).toBe("get");
      expect(d.paths[item]?.put).toBeDefined();
      expect(d.paths[item]?.delete).toBeDefined();
    }
  });

  it("do not advertise strategic merge patch, so kubectl computes apply patches from its own types", () => {
    const d = doc("apps", "v1");
    const content =
      d.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]?.patch?.requestBody?.content;
    expect(Object.keys(content ?? {})).not.toContain("application/strategic-merge-patch+json");
    expect(Object.keys(content ?? {})).toContain("application/merge-patch+json");
  });

  it("tag the scale subresource with autoscaling/v1 Scale", () => {
    const d = doc("apps", "v1");
    const scale = d.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"];
    expect(scale?.patch?.["x-kubernetes-group-version-kind"]).toEqual({
      group: "autoscaling",
      version: "v1",
      kind: "Scale",
    });
    expect(d.components.schemas["io.k8s.api.autoscaling.v1.Scale"]).toBeDefined();
  });

  it("carry component schemas converted from the zod schemas, marked with their kind", () => {
    const d = doc("", "v1");
    const pod = d.components.schemas["io.k8s.api.core.v1.Pod"];
    expect(pod?.["x-kubernetes-group-version-kind"]).toEqual([{ group: "", version: "v1", kind: "Pod" }]);
    expect(pod?.type).toBe("object");
    expect(pod?.properties?.spec?.properties?.containers?.type).toBe("array");
    expect(pod).not.toHaveProperty("$schema");
    expect(d.components.schemas["io.k8s.api.core.v1.PodList"]).toBeDefined();
  });

  it("contain no JSON Schema keywords that OpenAPI 3.0 readers decode differently", () => {
    const text = JSON.stringify(openApiDocument("", "v1"));
    // Go's kube-openapi decodes exclusiveMinimum/Maximum as booleans and knows no $defs.
    expect(text).not.toMatch(/"exclusiveM(in|ax)imum":\s*-?\d/);
    expect(text).not.toContain('"$defs"');
  });
});

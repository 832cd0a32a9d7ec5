import { describe, expect, it } from "vitest";
import { applyPatchFor, LAST_APPLIED, withLastApplied } from "../src/actions/apply.js";
import type { KubeObject } from "../src/manifests.js";

const manifest: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default" },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [
          { name: "nginx", image: "nginx:1.25" },
          { name: "side", image: "busybox" },
        ],
      },
    },
  },
};

/** The live object as the server keeps it: the applied manifest plus defaults and metadata. */
function liveFrom(obj: KubeObject): KubeObject {
  const { modified } = withLastApplied(obj);
  const live = structuredClone(modified) as KubeObject & { spec: Record<string, unknown> };
  live.metadata = {
    ...live.metadata,
    uid: "u1",
    resourceVersion: "7",
    creationTimestamp: "2024-01-01T00:00:00Z",
  };
  live.spec.revisionHistoryLimit = 10;
  live.status = { replicas: 2 };
  return live;
}

describe("client-side apply", () => {
  it("stores the manifest as sorted compact JSON with a trailing newline and empty annotations", () => {
    const { lastApplied, modified } = withLastApplied(manifest);
    expect(
      lastApplied.startsWith(
        '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web"',
      ),
    ).toBe(true);
    expect(lastApplied.endsWith("}\n")).toBe(true);
    expect(modified.metadata?.annotations?.[LAST_APPLIED]).toBe(lastApplied);
  });

  it("computes no patch for an unchanged manifest", () => {
    expect(applyPatchFor(manifest, liveFrom(manifest))).toBeUndefined();
  });

  it("patches changed fields and deletes dropped list elements by merge key", () => {
    const edited = structuredClone(manifest) as KubeObject & { spec: Record<string, never> };
    const spec = edited.spec as unknown as {
      replicas: number;
      template: { spec: { containers: unknown[] } };
    };
    spec.replicas = 3;
    spec.template.spec.containers = [{ name: "nginx", image: "nginx:1.26" }];
    const patch = applyPatchFor(edited, liveFrom(manifest)) as Record<string, Record<string, unknown>>;
    expect(patch).toBeDefined();
    expect(patch.spec!.replicas).toBe(3);
    const containers = (patch.spec!.template as { spec: { containers: Record<string, unknown>[] } }).spec
      .containers;
    expect(containers).toContainEqual({ name: "nginx", image: "nginx:1.26" });
    expect(containers).toContainEqual({ $patch: "delete", name: "side" });
    expect(Object.keys((patch.metadata as { annotations: object }).annotations)).toEqual([LAST_APPLIED]);
  });

  it("removes a field the manifest dropped but leaves server-set fields alone", () => {
    const withLabel = structuredClone(manifest);
    withLabel.metadata!.labels = { team: "a" };
    const live = liveFrom(withLabel);
    const patch = applyPatchFor(manifest, live) as { metadata: { labels?: unknown } };
    expect(patch.metadata.labels).toBeNull();
    expect(JSON.stringify(patch)).not.toContain("revisionHistoryLimit");
  });
});

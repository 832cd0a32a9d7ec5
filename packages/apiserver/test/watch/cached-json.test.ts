import { describe, expect, it } from "vitest";
import { versioned } from "../../src/registry/versioned.js";
import { jsonOf, listJson, watchEventJson } from "../../src/watch/cached-json.js";

const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default" },
  spec: {},
});

describe("versioned objects and their cached JSON", () => {
  it("shares one object per stored value and revision, and never changes the stored value", () => {
    const stored = pod("a");
    const first = versioned(stored, 7);
    expect(first.metadata?.resourceVersion).toBe("7");
    expect(versioned(stored, 7)).toBe(first);
    expect(stored.metadata).not.toHaveProperty("resourceVersion");
    // A deletion shows the last stored value at the deletion's revision.
    expect(versioned(stored, 9).metadata?.resourceVersion).toBe("9");
    expect(versioned(stored, 7)).toBe(first);
  });

  it("builds a list's JSON from its items' JSON, the same as serializing the whole list", () => {
    const items = [versioned(pod("a"), 3), versioned(pod('b"\u2028'), 4)];
    for (const metadata of [
      { resourceVersion: "5" },
      { resourceVersion: "5", continue: "x", remainingItemCount: 2 },
    ]) {
      const list = { apiVersion: "v1", kind: "PodList", metadata, items };
      expect(JSON.parse(listJson(list).toString())).toEqual(list);
      expect(listJson(list).toString()).toBe(JSON.stringify(list));
    }
    expect(listJson({ items: [] }).toString()).toBe(JSON.stringify({ items: [] }));
    expect(jsonOf(items[0]!)).toBe(JSON.stringify(items[0]));
    expect(jsonOf(items[0]!)).toBe(jsonOf(items[0]!));
  });

  it("writes watch events as Kubernetes does", () => {
    const object = versioned(pod("c"), 11);
    expect(JSON.parse(watchEventJson({ type: "ADDED", object }))).toEqual({
      type: "ADDED",
      object,
    });
  });
});

import { describe, expect, it } from "vitest";
import { applyMergePatch, createMergePatch, type JsonValue } from "../../src/patch/index.js";

// RFC 7386, Appendix A: target, patch, result.
const rfc7386: [JsonValue, JsonValue, JsonValue][] = [
  [{ a: "b" }, { a: "c" }, { a: "c" }],
  [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
  [{ a: "b" }, { a: null }, {}],
  [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
  [{ a: ["b"] }, { a: "c" }, { a: "c" }],
  [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
  [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
  [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
  [
    ["a", "b"],
    ["c", "d"],
    ["c", "d"],
  ],
  [{ a: "b" }, ["c"], ["c"]],
  [{ a: "foo" }, null, null],
  [{ a: "foo" }, "bar", "bar"],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: "b", c: null }, { a: "b" }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

describe("applyMergePatch", () => {
  it.each(rfc7386)("RFC 7386 example %#", (target, patch, result) => {
    expect(applyMergePatch(target, patch)).toEqual(result);
  });

  it("merges the scale subresource patch kubectl sends", () => {
    const scale = { spec: { replicas: 2 }, status: { replicas: 2, selector: "app=web" } };
    expect(applyMergePatch(scale, { spec: { replicas: 5 } })).toEqual({
      spec: { replicas: 5 },
      status: { replicas: 2, selector: "app=web" },
    });
  });

  it("never mutates its inputs nor shares structure with them", () => {
    const target = { metadata: { labels: { app: "web" } }, spec: { ports: [80] } };
    const patch = { metadata: { labels: { tier: "front" } }, spec: { extra: { a: 1 } } };
    const before = structuredClone({ target, patch });
    const result = applyMergePatch(target, patch) as { spec: { ports: number[]; extra: { a: number } } };
    expect({ target, patch }).toEqual(before);
    result.spec.ports.push(443);
    result.spec.extra.a = 2;
    expect({ target, patch }).toEqual(before);
  });

  it("treats a __proto__ key from JSON as a field, not as the prototype", () => {
    const patch = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as JsonValue;
    const result = applyMergePatch({}, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("createMergePatch", () => {
  it("sets what changed, nulls what was removed, and leaves the rest out", () => {
    const original = { a: 1, b: { c: 2, d: 3 }, e: [1, 2], f: "same" };
    const modified = { a: 2, b: { c: 2 }, e: [1, 2, 3], f: "same", g: { h: true } };
    expect(createMergePatch(original, modified)).toEqual({
      a: 2,
      b: { d: null },
      e: [1, 2, 3],
      g: { h: true },
    });
  });

  it("is empty for equal documents", () => {
    expect(createMergePatch({ a: { b: [1] } }, { a: { b: [1] } })).toEqual({});
  });

  it("replaces a non-object whole", () => {
    expect(createMergePatch({ a: 1 }, [1])).toEqual([1]);
    expect(createMergePatch({ a: { b: 1 } }, { a: "x" })).toEqual({ a: "x" });
  });
});

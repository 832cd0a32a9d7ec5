import { describe, expect, it } from "vitest";
import { applyJsonPatch, type JsonValue, type PatchResult } from "../../src/patch/index.js";

function value(result: PatchResult<JsonValue>): JsonValue {
  if (!result.ok) throw result.error;
  return result.value;
}

function failure(result: PatchResult<JsonValue>): string {
  if (result.ok) throw new Error(`expected the patch to fail, got ${JSON.stringify(result.value)}`);
  return result.error.message;
}

describe("applyJsonPatch (RFC 6902, Appendix A)", () => {
  it("A.1 adds an object member", () => {
    expect(value(applyJsonPatch({ foo: "bar" }, [{ op: "add", path: "/baz", value: "qux" }]))).toEqual({
      foo: "bar",
      baz: "qux",
    });
  });

  it("A.2 adds an array element", () => {
    const doc = { foo: ["bar", "baz"] };
    expect(value(applyJsonPatch(doc, [{ op: "add", path: "/foo/1", value: "qux" }]))).toEqual({
      foo: ["bar", "qux", "baz"],
    });
  });

  it("A.3 removes an object member", () => {
    const doc = { baz: "qux", foo: "bar" };
    expect(value(applyJsonPatch(doc, [{ op: "remove", path: "/baz" }]))).toEqual({ foo: "bar" });
  });

  it("A.4 removes an array element", () => {
    const doc = { foo: ["bar", "qux", "baz"] };
    expect(value(applyJsonPatch(doc, [{ op: "remove", path: "/foo/1" }]))).toEqual({ foo: ["bar", "baz"] });
  });

  it("A.5 replaces a value", () => {
    const doc = { baz: "qux", foo: "bar" };
    expect(value(applyJsonPatch(doc, [{ op: "replace", path: "/baz", value: "boo" }]))).toEqual({
      baz: "boo",
      foo: "bar",
    });
  });

  it("A.6 moves a value", () => {
    const doc = { foo: { bar: "baz", waldo: "fred" }, qux: { corge: "grault" } };
    const ops = [{ op: "move", from: "/foo/waldo", path: "/qux/thud" }];
    expect(value(applyJsonPatch(doc, ops))).toEqual({
      foo: { bar: "baz" },
      qux: { corge: "grault", thud: "fred" },
    });
  });

  it("A.7 moves an array element", () => {
    const doc = { foo: ["all", "grass", "cows", "eat"] };
    expect(value(applyJsonPatch(doc, [{ op: "move", from: "/foo/1", path: "/foo/3" }]))).toEqual({
      foo: ["all", "cows", "eat", "grass"],
    });
  });

  it("A.8 passes a test", () => {
    const doc = { baz: "qux", foo: ["a", 2, "c"] };
    const ops = [
      { op: "test", path: "/baz", value: "qux" },
      { op: "test", path: "/foo/1", value: 2 },
    ];
    expect(value(applyJsonPatch(doc, ops))).toEqual(doc);
  });

  it("A.9 fails a test, naming the operation and its path", () => {
    const message = failure(applyJsonPatch({ baz: "qux" }, [{ op: "test", path: "/baz", value: "bar" }]));
    expect(message).toContain("operation 0");
    expect(message).toContain("/baz");
    expect(message).toContain("test failed");
  });

  it("A.10 adds a nested member object", () => {
    const ops = [{ op: "add", path: "/child", value: { grandchild: {} } }];
    expect(value(applyJsonPatch({ foo: "bar" }, ops))).toEqual({ foo: "bar", child: { grandchild: {} } });
  });

  it("A.11 ignores unrecognized members of an operation", () => {
    const ops = [{ op: "add", path: "/baz", value: "qux", xyz: 123 }];
    expect(value(applyJsonPatch({ foo: "bar" }, ops))).toEqual({ foo: "bar", baz: "qux" });
  });

  it("A.12 refuses to add to a nonexistent target", () => {
    const message = failure(applyJsonPatch({ foo: "bar" }, [{ op: "add", path: "/baz/bat", value: "qux" }]));
    expect(message).toContain("operation 0 (path /baz/bat)");
  });

  it("A.14 unescapes ~1 and ~0 in the right order", () => {
    const doc = { "/": 9, "~1": 10 };
    expect(value(applyJsonPatch(doc, [{ op: "test", path: "/~01", value: 10 }]))).toEqual(doc);
  });

  it("A.15 compares strings and numbers strictly", () => {
    const doc = { "/": 9, "~1": 10 };
    expect(failure(applyJsonPatch(doc, [{ op: "test", path: "/~01", value: "10" }]))).toContain(
      "test failed",
    );
  });

  it("A.16 adds an array value", () => {
    const ops = [{ op: "add", path: "/foo/-", value: ["abc", "def"] }];
    expect(value(applyJsonPatch({ foo: ["bar"] }, ops))).toEqual({ foo: ["bar", ["abc", "def"]] });
  });
});

describe("applyJsonPatch", () => {
  it("applies the rollout-undo patch kubectl sends", () => {
    const deployment = {
      metadata: { name: "web", annotations: { "deployment.kubernetes.io/revision": "2" } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: "web", image: "web:2" }] } } },
    };
    const ops = [
      {
        op: "replace",
        path: "/spec/template",
        value: { spec: { containers: [{ name: "web", image: "web:1" }] } },
      },
      { op: "replace", path: "/metadata/annotations", value: { "deployment.kubernetes.io/revision": "1" } },
    ];
    expect(value(applyJsonPatch(deployment, ops))).toEqual({
      metadata: { name: "web", annotations: { "deployment.kubernetes.io/revision": "1" } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: "web", image: "web:1" }] } } },
    });
  });

  it("names the failing operation by index when an earlier one succeeded", () => {
    const ops = [
      { op: "replace", path: "/a", value: 2 },
      { op: "remove", path: "/missing" },
    ];
    const result = applyJsonPatch({ a: 1 }, ops);
    expect(failure(result)).toBe("operation 1 (path /missing): path does not exist");
    expect(result.ok ? undefined : { path: result.error.path, operation: result.error.operation }).toEqual({
      path: "/missing",
      operation: 1,
    });
  });

  it("changes nothing when a later operation fails", () => {
    const doc = { a: 1, list: [1, 2] };
    const before = structuredClone(doc);
    const ops = [
      { op: "replace", path: "/a", value: 2 },
      { op: "remove", path: "/list/0" },
      { op: "test", path: "/a", value: 1 },
    ];
    failure(applyJsonPatch(doc, ops));
    expect(doc).toEqual(before);
  });

  it("does not share added values with the result", () => {
    const added = { nested: [1] };
    const ops = [{ op: "add", path: "/x", value: added }];
    const result = value(applyJsonPatch({}, ops)) as { x: { nested: number[] } };
    result.x.nested.push(2);
    expect(added).toEqual({ nested: [1] });
  });

  it("rejects a body that is not a list of operations", () => {
    expect(failure(applyJsonPatch({}, { op: "add", path: "/a", value: 1 }))).toContain("list of operations");
    expect(failure(applyJsonPatch({}, [{ op: "frobnicate", path: "/a" }]))).toContain("operation 0");
    expect(failure(applyJsonPatch({}, [{ op: "add", path: "a", value: 1 }]))).toContain("JSON pointer");
  });

  it("refuses to touch the prototype", () => {
    const ops = [{ op: "add", path: "/__proto__/polluted", value: true }];
    expect(failure(applyJsonPatch({}, ops))).toContain("__proto__");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

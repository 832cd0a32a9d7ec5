import { describe, expect, it } from "vitest";
import { applyPatch, type JsonObject, parsePatchType, patchMetaFor } from "../../src/patch/index.js";
import { errorOf, unwrap } from "./helpers.js";

const meta = patchMetaFor("v1", "Pod");
const pod: JsonObject = {
  metadata: { name: "p" },
  spec: { containers: [{ name: "a", image: "1" }, { name: "b" }] },
};

describe("applyPatch", () => {
  it("applies a JSON merge patch: lists are replaced", () => {
    const result = unwrap(
      applyPatch("application/merge-patch+json", pod, { spec: { containers: [{ name: "c" }] } }, meta),
    );
    expect(result).toEqual({ metadata: { name: "p" }, spec: { containers: [{ name: "c" }] } });
  });

  it("applies a strategic merge patch: keyed lists merge", () => {
    const body = { spec: { containers: [{ name: "a", image: "2" }] } };
    const result = unwrap(applyPatch("application/strategic-merge-patch+json", pod, body, meta));
    expect(result).toEqual({
      metadata: { name: "p" },
      spec: { containers: [{ name: "a", image: "2" }, { name: "b" }] },
    });
  });

  it("applies a JSON patch and reports its failures", () => {
    const ops = [{ op: "add", path: "/spec/containers/1/image", value: "3" }];
    const result = unwrap(applyPatch("application/json-patch+json", pod, ops, meta));
    expect(result).toEqual({
      metadata: { name: "p" },
      spec: {
        containers: [
          { name: "a", image: "1" },
          { name: "b", image: "3" },
        ],
      },
    });
    const failing = [{ op: "test", path: "/metadata/name", value: "q" }];
    expect(errorOf(applyPatch("application/json-patch+json", pod, failing, meta))).toContain("operation 0");
  });

  it("rejects an empty body", () => {
    expect(errorOf(applyPatch("application/merge-patch+json", pod, undefined, meta))).toContain("empty");
  });
});

describe("parsePatchType", () => {
  it("reads the media type of a Content-Type header", () => {
    expect(parsePatchType("application/strategic-merge-patch+json; charset=utf-8")).toBe(
      "application/strategic-merge-patch+json",
    );
    expect(parsePatchType("application/apply-patch+yaml")).toBe("application/apply-patch+yaml");
    expect(parsePatchType("application/json")).toBeUndefined();
    expect(parsePatchType(undefined)).toBeUndefined();
  });
});

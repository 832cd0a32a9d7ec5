import { describe, expect, it } from "vitest";
import { isWithin, projectKeys, subPathError, volumeDir } from "../../src/volumes/volume-paths.js";

describe("volume paths", () => {
  it("lays volumes out as the kubelet does", () => {
    expect(volumeDir("/var/lib/minik8s", "u-1", "configmap", "cfg")).toBe(
      "/var/lib/minik8s/pods/u-1/volumes/kubernetes.io~configmap/cfg",
    );
  });

  it.each([
    ["data", undefined],
    ["a/b", undefined],
    ["..data", undefined],
    ["/etc", 'subPath "/etc" must be a relative path'],
    ["../x", `subPath "../x" must not contain '..'`],
    ["a/../../x", `subPath "a/../../x" must not contain '..'`],
  ])("subPath %s", (sub, want) => {
    expect(subPathError(sub)).toBe(want);
  });

  it("isWithin", () => {
    expect(isWithin("/v", "/v")).toBe(true);
    expect(isWithin("/v", "/v/a/b")).toBe(true);
    expect(isWithin("/v", "/v2")).toBe(false);
    expect(isWithin("/v", "/")).toBe(false);
    expect(isWithin("/v", "/v/..x")).toBe(true);
  });
});

describe("projectKeys", () => {
  const data = new Map([
    ["a", Buffer.from("A")],
    ["b", Buffer.from("B")],
  ]);

  it("every key with the default mode when no items", () => {
    const r = projectKeys(data, undefined, 0o644, false, "config");
    expect(r.ok && [...r.files].map(([p, f]) => [p, f.data.toString(), f.mode])).toEqual([
      ["a", "A", 0o644],
      ["b", "B", 0o644],
    ]);
  });

  it("items: only those keys, at their paths, with their modes", () => {
    const r = projectKeys(data, [{ key: "b", path: "dir/b.txt", mode: 0o400 }], 0o644, false, "config");
    expect(r.ok && [...r.files].map(([p, f]) => [p, f.data.toString(), f.mode])).toEqual([
      ["dir/b.txt", "B", 0o400],
    ]);
  });

  it("a missing item key is an error unless optional", () => {
    expect(projectKeys(data, [{ key: "z", path: "z" }], 0o644, false, "config")).toEqual({
      ok: false,
      message: "configmap references non-existent config key: z",
    });
    expect(projectKeys(data, [{ key: "z", path: "z" }], 0o644, false, "secret")).toEqual({
      ok: false,
      message: "references non-existent secret key: z",
    });
    const r = projectKeys(data, [{ key: "z", path: "z" }], 0o644, true, "config");
    expect(r.ok && r.files.size).toBe(0);
  });
});

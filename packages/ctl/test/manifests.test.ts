import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifests, readManifests } from "../src/manifests.js";

describe("manifests", () => {
  it("reads multi-document YAML, skipping empty documents", () => {
    const list = parseManifests(
      "---\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n",
      "f.yaml",
    );
    expect(list.map((m) => `${m.object.kind}/${m.object.metadata?.name}`)).toEqual(["Pod/a", "Service/b"]);
  });

  it("reads JSON and flattens kind: List", () => {
    const text = JSON.stringify({
      apiVersion: "v1",
      kind: "List",
      items: [{ apiVersion: "v1", kind: "Pod", metadata: { name: "x" } }],
    });
    expect(parseManifests(text, "f.json").map((m) => m.object.metadata?.name)).toEqual(["x"]);
  });

  it("names the file and both missing fields as kubectl does", () => {
    expect(() => parseManifests("metadata: {name: a}\n", "bad.yaml")).toThrow(
      'error validating "bad.yaml": error validating data: [apiVersion not set, kind not set]',
    );
  });

  it("reads directories (recursively with -R) and stdin", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mkctl-manifests-"));
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "a.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n");
    writeFileSync(join(dir, "notes.txt"), "not a manifest");
    writeFileSync(join(dir, "sub", "b.yml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\n");
    const flat = await readManifests([dir]);
    expect(flat.map((m) => m.object.metadata?.name)).toEqual(["a"]);
    const deep = await readManifests([dir], { recursive: true });
    expect(deep.map((m) => m.object.metadata?.name)).toEqual(["a", "b"]);
    const stdin = await readManifests(["-"], {
      readStdin: async () => "apiVersion: v1\nkind: Pod\nmetadata: {name: s}\n",
    });
    expect(stdin[0]!.source).toBe("STDIN");
  });

  it("reports a missing path", async () => {
    await expect(readManifests(["/nonexistent/x.yaml"])).rejects.toThrow(
      'the path "/nonexistent/x.yaml" does not exist',
    );
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { apiVersionOf, kindForApiVersion } from "@minik8s/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { TestApiServer } from "../support/apiserver.js";

const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));
// Every manifest under examples/, in subfolders too (examples/quickstart/web.yaml ...).
const files = (readdirSync(EXAMPLES, { recursive: true }) as string[])
  .filter((f) => f.endsWith(".yaml"))
  .sort();

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
}

// Every manifest in examples/ must be accepted as it is by a fresh cluster.
describe("examples/", () => {
  let server: TestApiServer;
  beforeAll(async () => {
    server = await TestApiServer.start();
  });
  afterAll(async () => {
    await server.close();
  });

  it("has examples to check", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`${file} is created as it is, with strict field validation`, async () => {
      const docs = parseAllDocuments(readFileSync(join(EXAMPLES, file), "utf8")).map(
        (d) => d.toJSON() as Manifest,
      );
      for (const doc of docs) {
        const kind = kindForApiVersion(doc.apiVersion, doc.kind);
        expect(kind, `${file}: unknown kind ${doc.apiVersion} ${doc.kind}`).toBeDefined();
        const base = kind!.group ? `/apis/${apiVersionOf(kind!)}` : `/api/${kind!.version}`;
        const namespace = kind!.namespaced ? "/namespaces/default" : "";
        const res = await server.request(
          "POST",
          `${base}${namespace}/${kind!.plural}?fieldValidation=Strict`,
          doc,
        );
        expect(res.status, `${file}: ${doc.kind}/${doc.metadata.name}: ${JSON.stringify(res.body)}`).toBe(
          201,
        );
      }
    });
  }
});

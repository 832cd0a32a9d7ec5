// mkctl is started for every command a person types, so its start-up time is what they feel.
// Node spends much of that resolving and loading dozens of ES modules; bundled into a few files
// (one per lazily loaded command, with shared chunks), mkctl starts about as fast as kubectl.
// The sources stay as they are: this runs after `tsc -b` over the compiled workspace packages.
import { rmSync } from "node:fs";
import { build } from "esbuild";

const outdir = "packages/ctl/dist/bundle";
// Chunk names carry content hashes: clear the last build's so stale chunks do not pile up.
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: ["packages/ctl/src/main.ts"],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outdir,
  // Some dependencies are CommonJS and call require(); an ES module has none of its own.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: "warning",
});

#!/usr/bin/env node
// The `mkctl` command. It lives outside dist/ so that npm can link it at install time, before
// anything is built; the CLI itself is the bundle `npm run build` makes.
try {
  await import("../dist/bundle/main.js");
} catch (err) {
  if (err?.code !== "ERR_MODULE_NOT_FOUND" || !String(err.message).includes("dist/bundle/main.js")) throw err;
  process.stderr.write("mkctl is not built yet: run `npm run build` in the minik8s checkout first.\n");
  process.exit(1);
}

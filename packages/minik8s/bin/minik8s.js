#!/usr/bin/env node
// The `minik8s` command. It lives outside dist/ so that npm can link it at install time, before
// anything is built; the launcher itself is what `npm run build` compiles into dist/.
try {
  await import("../dist/main.js");
} catch (err) {
  if (err?.code !== "ERR_MODULE_NOT_FOUND" || !String(err.message).includes("dist/main.js")) throw err;
  process.stderr.write("minik8s is not built yet: run `npm run build` in the minik8s checkout first.\n");
  process.exit(1);
}

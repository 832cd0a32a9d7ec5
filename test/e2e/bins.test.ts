import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { MINIK8S_VERSION } from "@minik8s/api";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const built =
  existsSync(`${ROOT}packages/ctl/dist/bundle/main.js`) && existsSync(`${ROOT}packages/minik8s/dist/main.js`);

if (!built && !process.env.CI) {
  console.warn("\n!!! SKIPPING the installed-commands test: run `npm run build` first.\n");
}

// After `npm install` and `npm run build`, both commands resolve from the checkout's root, the way
// the README uses them (`npx minik8s ...`, `npx mkctl ...`).
describe.runIf(built || process.env.CI)("the installed commands", () => {
  for (const command of ["mkctl", "minik8s"]) {
    it(`npx ${command} --version and --help answer`, async () => {
      const version = await run("npx", ["--no-install", command, "--version"], {
        cwd: ROOT,
        timeout: 30_000,
      });
      expect(version.stdout.trim()).toBe(MINIK8S_VERSION);
      const help = await run("npx", ["--no-install", command, "--help"], { cwd: ROOT, timeout: 30_000 });
      expect(help.stdout).toContain(`Usage: ${command}`);
    });
  }
});

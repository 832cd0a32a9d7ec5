import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// Tests import workspace packages from their TypeScript sources, so `npm test` needs no build.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@minik8s\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
      { find: /^@minik8s\/([a-z-]+)\/(.+)$/, replacement: `${root}packages/$1/src/$2.ts` },
    ],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});

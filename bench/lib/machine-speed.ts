import { spawnSync } from "node:child_process";
import { median } from "./report.js";

/**
 * How fast this machine is right now, as the median wall time of `node -e 0` (Node's own start
 * and exit). The machines these benchmarks run on are shared: in a slow spell everything, this
 * included, takes a quarter longer or more, and a figure measured then is read beside this one.
 */
export function nodeStartMs(runs = 5): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const result = spawnSync(process.execPath, ["-e", "0"]);
    times.push(performance.now() - t0);
    if (result.status !== 0) throw new Error(`node -e 0 failed: ${result.stderr}`);
  }
  return median(times);
}

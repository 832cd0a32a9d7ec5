import { appendFileSync } from "node:fs";

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/**
 * Prints how long a recovery took (each run and the median). The restart tests measure these but
 * never assert on them; with MINIK8S_RECOVERY_FILE set, one JSON line per measurement is appended
 * there, which is where docs/fault-tolerance.md's figures come from.
 */
export function recordRecovery(what: string, runsMs: readonly number[]): void {
  const line = { what, runsMs, medianMs: median(runsMs) };
  console.log(
    `recovery: ${what}: median ${line.medianMs} ms over ${runsMs.length} (${runsMs.join(", ")} ms)`,
  );
  const file = process.env.MINIK8S_RECOVERY_FILE;
  if (file) appendFileSync(file, `${JSON.stringify(line)}\n`);
}

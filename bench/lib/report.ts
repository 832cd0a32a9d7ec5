import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const BENCHMARKS_MD = fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url));

/** Median and percentiles of a sample, nearest-rank. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/**
 * Replace this benchmark's section of docs/benchmarks.md (between its markers) with `markdown`,
 * then print the figures as one JSON object on the last line, as every benchmark does.
 */
export function report(name: string, markdown: string, figures: Record<string, unknown>): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  let doc = "";
  try {
    doc = readFileSync(BENCHMARKS_MD, "utf8");
  } catch {
    doc = "# Benchmarks\n\nEach section is written by `npm run bench:NAME`; figures are from one run.\n";
  }
  const section = `${start}\n${markdown.trim()}\n${end}`;
  const at = doc.indexOf(start);
  const until = doc.indexOf(end);
  doc =
    at >= 0 && until > at
      ? doc.slice(0, at) + section + doc.slice(until + end.length)
      : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(BENCHMARKS_MD, doc);
  console.log(JSON.stringify({ benchmark: name, ...figures }));
}

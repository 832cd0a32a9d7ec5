/**
 * Go's time.ParseDuration for the flags Kubernetes components take as durations ("40s", "1m30s",
 * "500ms"); a bare number means seconds. Milliseconds, or an Error naming the flag.
 */
export function parseDurationFlag(flag: string, text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (units[m[2]!] ?? 0);
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== text.length) {
    throw new Error(`${flag}: want a duration such as 40s, 1m30s or 500ms, got ${JSON.stringify(text)}`);
  }
  return total;
}

/** A non-negative number flag. */
export function parseNumberFlag(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new Error(`${flag}: want a non-negative number, got ${JSON.stringify(text)}`);
  }
  return n;
}

import { translateTimestampSince } from "@minik8s/api/duration";
import { LAST_APPLIED } from "../actions/apply.js";
import type { KubeObject } from "../manifests.js";
import type { PrefixWriter } from "./prefix-writer.js";

// biome-ignore lint/suspicious/noExplicitAny: describers read loosely typed JSON objects.
export type Json = any;

/** Go's time.RFC1123Z, in UTC as our timestamps are: `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function rfc1123z(timestamp: string | undefined): string {
  if (!timestamp) return "<unset>";
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return timestamp;
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** printLabelsMultilineWithIndent: `Labels:\tapp=web` then `\ttier=front` lines, `<none>` when empty. */
export function printLabels(
  w: PrefixWriter,
  title: string,
  labels: Record<string, string> | undefined,
  indent = "",
): void {
  w.write(0, `${indent}${title}:\t`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  keys.forEach((k, i) => {
    if (i > 0) w.write(0, `${indent}\t`);
    w.write(0, `${k}=${labels![k]}\n`);
  });
}

/** Annotations as `key: value`, without kubectl's own last-applied-configuration. */
export function printAnnotations(
  w: PrefixWriter,
  title: string,
  annotations: Record<string, string> | undefined,
  indent = "",
): void {
  w.write(0, `${indent}${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => k !== LAST_APPLIED)
    .sort();
  if (keys.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  keys.forEach((k, i) => {
    if (i > 0) w.write(0, `${indent}\t`);
    const value = annotations![k]!;
    w.write(
      0,
      `${k}: ${value.length > 140 ? `${value.slice(0, 140)}...` : value.split("\n").join(`\n${indent}\t`)}\n`,
    );
  });
}

/** metav1.FormatLabelSelector. */
export function formatSelector(selector: Json): string {
  if (!selector) return "<none>";
  const parts: string[] = [];
  for (const k of Object.keys(selector.matchLabels ?? {}).sort())
    parts.push(`${k}=${selector.matchLabels[k]}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).slice().sort().join(",");
    switch (e.operator) {
      case "In":
        parts.push(`${e.key} in (${values})`);
        break;
      case "NotIn":
        parts.push(`${e.key} notin (${values})`);
        break;
      case "Exists":
        parts.push(e.key);
        break;
      case "DoesNotExist":
        parts.push(`!${e.key}`);
        break;
    }
  }
  return parts.length ? parts.join(",") : "<none>";
}

export function formatLabelMap(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(",") : "<none>";
}

/** `ReplicaSet/web-7d4b9c8f5`: the controller owner, as printController. */
export function controllerOf(obj: KubeObject): string {
  const refs = (obj.metadata?.ownerReferences as Json[] | undefined) ?? [];
  const ref = refs.find((r) => r.controller);
  return ref ? `${ref.kind}/${ref.name}` : "";
}

/** Go's time.Duration String for whole seconds: 0s, 10s, 1m0s, 1h0m0s. */
export function goDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** The Events table kubectl appends (DescribeEvents), oldest first. */
export function describeEvents(w: PrefixWriter, events: Json[] | undefined, now: Date): void {
  if (!events) return;
  if (events.length === 0) {
    w.write(0, "Events:\t<none>\n");
    return;
  }
  w.flush();
  const sorted = [...events].sort((a, b) => Date.parse(eventTime(a) ?? "") - Date.parse(eventTime(b) ?? ""));
  w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
  w.write(1, "----\t------\t----\t----\t-------\n");
  for (const e of sorted) {
    const first = translateTimestampSince(
      e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp,
      now,
    );
    let interval = first;
    if (e.series)
      interval = `${translateTimestampSince(e.series.lastObservedTime, now)} (x${e.series.count} over ${first})`;
    else if ((e.count ?? 1) > 1)
      interval = `${translateTimestampSince(e.lastTimestamp, now)} (x${e.count} over ${first})`;
    const source = e.source?.component || e.reportingComponent || e.reportingController || "";
    w.write(
      1,
      `${e.type ?? ""}\t${e.reason ?? ""}\t${interval}\t${source}\t${String(e.message ?? "").trim()}\n`,
    );
  }
}

function eventTime(e: Json): string | undefined {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
}

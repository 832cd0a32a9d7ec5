import type { Pod } from "@minik8s/api";
import { statusMessage } from "./failure-message.js";
import type { Status } from "./types.js";

/**
 * A plain-text account of one scheduling decision for debug logs: the nodes filtered out and why,
 * then each feasible node's weighted score per plugin and the total, best first.
 */
export interface ExplainInput {
  pod: Pod;
  numNodes: number;
  /** Nodes that passed the filters (scores are absent when only one did). */
  feasible: number;
  diagnosis: ReadonlyMap<string, Status>;
  scores: readonly { node: string; total: number; perPlugin?: Record<string, number> }[];
  selected?: string;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join("  ")
      .trimEnd(),
  );
}

export function explainDecision(input: ExplainInput): string {
  const { pod, diagnosis, scores } = input;
  const name = `${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}`;
  const lines = [`pod ${name}: ${input.feasible}/${input.numNodes} nodes feasible`];
  if (diagnosis.size > 0) {
    lines.push("filtered out:");
    const rows = [...diagnosis]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([node, s]) => [`  ${node}`, s.plugin ?? "", statusMessage(s)]);
    lines.push(...table(rows));
  }
  if (scores.length > 0) {
    const plugins = [...new Set(scores.flatMap((s) => Object.keys(s.perPlugin ?? {})))];
    const sorted = [...scores].sort((a, b) => b.total - a.total || (a.node < b.node ? -1 : 1));
    lines.push("scores (weighted):");
    const header = ["  node", ...plugins, "total"];
    const rows = sorted.map((s) => [
      `  ${s.node}${s.node === input.selected ? " *" : ""}`,
      ...plugins.map((p) => String(s.perPlugin?.[p] ?? "-")),
      String(s.total),
    ]);
    lines.push(...table([header, ...rows]));
  }
  if (input.selected) lines.push(`selected: ${input.selected}`);
  return lines.join("\n");
}

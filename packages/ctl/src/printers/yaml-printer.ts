import { stringify } from "yaml";
import { sortKeys } from "../sort-keys.js";

/**
 * `-o yaml` as kubectl prints it: keys sorted (Go marshals maps in key order), sequences not
 * indented under their key, and strings that YAML 1.1 would read as something else (timestamps,
 * `yes`, numbers) quoted. Where we differ: long strings are never folded.
 */
export function toYaml(value: unknown): string {
  return stringify(sortKeys(value), {
    indentSeq: false,
    lineWidth: 0,
    schema: "yaml-1.1",
    aliasDuplicateObjects: false,
  });
}

/** `-o json`: 4-space indent and sorted keys, as kubectl's json printer. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 4)}\n`;
}

import { allKinds, type KindInfo, resolveResource } from "@minik8s/api/registry";
import { CliError } from "./errors.js";

/** `deployment.apps` / `pod`: how kubectl names a kind in `TYPE/NAME` output. */
export function kindPrefix(info: { kind: string; group: string }): string {
  const kind = info.kind.toLowerCase();
  return info.group ? `${kind}.${info.group}` : kind;
}

/** `deployments.apps` / `pods`: how the apiserver names a resource in messages. */
export function qualifiedPlural(info: { plural: string; group: string }): string {
  return info.group ? `${info.plural}.${info.group}` : info.plural;
}

/** Resolves a resource type as typed after `get`, or fails as kubectl does, with a suggestion. */
export function resolveType(text: string): KindInfo {
  const info = resolveResource(text);
  if (info) return info;
  const hint = closestResource(text);
  throw new CliError(
    `the server doesn't have a resource type "${text}"` + (hint ? `\nDid you mean "${hint}"?` : ""),
  );
}

/** The resource name nearest to a misspelled one (edit distance at most a third of its length, min 2). */
export function closestResource(text: string): string | undefined {
  const wanted = text.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const info of allKinds()) {
    for (const name of [info.plural, info.singular, ...info.shortNames]) {
      const distance = editDistance(wanted, name);
      if (!best || distance < best.distance) best = { name: info.plural, distance };
    }
  }
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return best && best.distance <= limit ? best.name : undefined;
}

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * Splits kubectl's resource arguments: `pods web api`, `pods,svc`, `pod/web svc/api`.
 * Returns (type, names) pairs; names empty means "all of that type".
 */
export function parseResourceArgs(args: string[]): { type: KindInfo; names: string[] }[] {
  if (args.length === 0) return [];
  if (args.some((a) => a.includes("/"))) {
    const out: { type: KindInfo; names: string[] }[] = [];
    for (const arg of args) {
      const slash = arg.indexOf("/");
      if (slash < 0) {
        throw new CliError(
          `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'mkctl get resource/<resource_name>' instead of 'mkctl get resource resource/<resource_name>'`,
        );
      }
      const type = resolveType(arg.slice(0, slash));
      const name = arg.slice(slash + 1);
      const existing = out.find((o) => o.type === type);
      if (existing) existing.names.push(name);
      else out.push({ type, names: [name] });
    }
    return out;
  }
  const [types, ...names] = args as [string, ...string[]];
  const kinds: KindInfo[] = [];
  for (const t of types.split(",").filter(Boolean)) {
    if (t.toLowerCase() === "all") {
      for (const k of allKinds()) if (k.categories.includes("all") && !kinds.includes(k)) kinds.push(k);
    } else {
      const k = resolveType(t);
      if (!kinds.includes(k)) kinds.push(k);
    }
  }
  if (names.length > 0 && kinds.length > 1) {
    // kubectl allows `get pods,svc web`, looking the name up in each type.
    return kinds.map((type) => ({ type, names }));
  }
  return kinds.map((type) => ({ type, names }));
}

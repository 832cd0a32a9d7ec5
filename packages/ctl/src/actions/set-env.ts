import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import { containerPatch, selectsContainer } from "../workloads/container-patch.js";
import { podSpecTargets, sendSetPatch, splitChanges } from "../workloads/set-targets.js";

// biome-ignore lint/suspicious/noExplicitAny: a pod spec as the server sends it
type Json = any;

export interface SetEnvFlags {
  containers?: string;
  env?: string[];
  overwrite?: boolean;
}

export interface EnvChanges {
  set: { name: string; value: string }[];
  remove: string[];
}

/** `KEY=VALUE` sets, `KEY-` removes, as kubectl's env parsing. */
export function parseEnvChanges(changes: string[]): EnvChanges {
  const out: EnvChanges = { set: [], remove: [] };
  for (const c of changes) {
    const eq = c.indexOf("=");
    if (eq > 0) out.set.push({ name: c.slice(0, eq), value: c.slice(eq + 1) });
    else if (c.endsWith("-") && c.length > 1) out.remove.push(c.slice(0, -1));
    else throw new CliError(`environment variables must be of the form key=value: ${c}`);
  }
  return out;
}

/**
 * `set env`'s patch: changed variables in full, removed ones as `$patch: delete`, and the
 * new order in `$setElementOrder/env`, the strategic merge diff kubectl computes.
 */
export function envPatch(
  path: string[],
  spec: Json,
  changes: EnvChanges,
  containers = "*",
): Json | undefined {
  return containerPatch(path, spec, (c: Json, list) => {
    if (list !== "containers" || !selectsContainer(containers, c.name)) return undefined;
    const before: Json[] = c.env ?? [];
    let after: Json[] = before.filter((e) => !changes.remove.includes(e.name));
    for (const s of changes.set) {
      const i = after.findIndex((e) => e.name === s.name);
      if (i >= 0) after[i] = { name: s.name, value: s.value };
      else after = [...after, { name: s.name, value: s.value }];
    }
    const changed = after.filter((e) => {
      const old = before.find((b) => b.name === e.name);
      return !old || old.value !== e.value || old.valueFrom !== undefined;
    });
    const removed = before.filter((b) => !after.some((e) => e.name === b.name));
    if (changed.length === 0 && removed.length === 0) return undefined;
    return {
      "$setElementOrder/env": after.map((e) => ({ name: e.name })),
      env: [
        ...changed.map((e) =>
          before.find((b) => b.name === e.name)?.valueFrom ? { ...e, valueFrom: null } : e,
        ),
        ...removed.map((e) => ({ $patch: "delete", name: e.name })),
      ],
    };
  });
}

export async function runSetEnv(ctx: Ctx, args: string[], flags: SetEnvFlags): Promise<void> {
  const { resources, changes } = splitChanges(
    args,
    (a) => a.includes("=") || (a.endsWith("-") && !a.includes("/")),
  );
  const env = parseEnvChanges([...changes, ...(flags.env ?? [])]);
  if (env.set.length === 0 && env.remove.length === 0)
    throw new CliError("at least one environment variable must be provided");
  for (const t of await podSpecTargets(ctx, resources)) {
    if (flags.overwrite === false) {
      for (const c of t.spec.containers ?? [])
        for (const s of env.set)
          if ((c.env ?? []).some((e: Json) => e.name === s.name))
            throw new CliError(
              `'${s.name}' already has a value (${c.env.find((e: Json) => e.name === s.name).value ?? ""}), and --overwrite is false`,
            );
    }
    const patch = envPatch(t.path, t.spec, env, flags.containers ?? "*");
    if (patch) await sendSetPatch(ctx, t, patch, "env updated");
  }
}

/*
 * The strategic merge patch kubectl's `set` commands send: only the containers a change touched,
 * keyed by name, with `$setElementOrder/containers` so the server keeps their order.
 */
import { nestAt } from "./pod-spec.js";

// biome-ignore lint/suspicious/noExplicitAny: containers from the server are untyped JSON here
type Json = any;

export type ContainerList = "containers" | "initContainers";

/** What one container's change adds to the patch; undefined when the container is unchanged. */
export type ContainerChange = (container: Json, list: ContainerList) => Json | undefined;

/** The patch for `change` applied to each container of `spec`; undefined when nothing changed. */
export function containerPatch(path: string[], spec: Json, change: ContainerChange): Json | undefined {
  const leaf: Json = {};
  for (const list of ["initContainers", "containers"] as const) {
    const containers: Json[] = spec?.[list] ?? [];
    const changed = containers
      .map((c) => {
        const diff = change(c, list);
        return diff && { ...diff, name: c.name };
      })
      .filter(Boolean);
    if (changed.length === 0) continue;
    leaf[`$setElementOrder/${list}`] = containers.map((c) => ({ name: c.name }));
    leaf[list] = changed;
  }
  return Object.keys(leaf).length ? nestAt(path, leaf) : undefined;
}

/** Does `name` (or "*") pick this container? kubectl's `-c/--containers` takes a glob. */
export function selectsContainer(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return re.test(name);
}

import { isAbsolute, join, relative, sep } from "node:path";

/**
 * Where a pod's volumes live on the node, in the kubelet's layout:
 * `<root>/pods/<uid>/volumes/kubernetes.io~<plugin>/<volume>`.
 */
export type VolumePlugin = "empty-dir" | "configmap" | "secret";

export function podDir(rootDir: string, uid: string): string {
  return join(rootDir, "pods", uid);
}

export function pluginDir(rootDir: string, uid: string, plugin: VolumePlugin): string {
  return join(podDir(rootDir, uid), "volumes", `kubernetes.io~${plugin}`);
}

export function volumeDir(rootDir: string, uid: string, plugin: VolumePlugin, name: string): string {
  return join(pluginDir(rootDir, uid, plugin), name);
}

/**
 * A volumeMount's subPath must stay inside its volume: relative, no `..` element (Kubernetes'
 * validation and the kubelet's own check). Returns the error message, or undefined when fine.
 */
export function subPathError(subPath: string): string | undefined {
  if (isAbsolute(subPath)) return `subPath "${subPath}" must be a relative path`;
  if (subPath.split(/[/\\]/).includes("..")) return `subPath "${subPath}" must not contain '..'`;
  return undefined;
}

/** Whether `path` (already resolved, symlinks followed) is `base` or inside it. */
export function isWithin(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * The files of a configMap/secret volume: every key at its own name with `defaultMode`, or only
 * the `items` listed (key → path, each with its own mode). A listed key that is missing is an
 * error unless the volume is optional, in Kubernetes' words.
 */
export function projectKeys(
  data: Map<string, Buffer>,
  items: { key: string; path: string; mode?: number | undefined }[] | undefined,
  defaultMode: number,
  optional: boolean,
  what: "config" | "secret",
): { ok: true; files: Map<string, { data: Buffer; mode: number }> } | { ok: false; message: string } {
  const files = new Map<string, { data: Buffer; mode: number }>();
  if (!items || items.length === 0) {
    for (const [key, value] of data) files.set(key, { data: value, mode: defaultMode });
    return { ok: true, files };
  }
  for (const item of items) {
    const value = data.get(item.key);
    if (value === undefined) {
      if (optional) continue;
      const message =
        what === "config"
          ? `configmap references non-existent config key: ${item.key}`
          : `references non-existent secret key: ${item.key}`;
      return { ok: false, message };
    }
    const bad = subPathError(item.path);
    if (bad) return { ok: false, message: `item path: ${bad}` };
    files.set(item.path, { data: value, mode: item.mode ?? defaultMode });
  }
  return { ok: true, files };
}

import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import { type ContainerList, containerPatch } from "../workloads/container-patch.js";
import { podSpecTargets, sendSetPatch, splitChanges } from "../workloads/set-targets.js";

// biome-ignore lint/suspicious/noExplicitAny: a pod spec as the server sends it
type Json = any;

/** `set image`'s patch: each named container (or `*`, every one) gets its new image. */
export function imagePatch(path: string[], spec: Json, images: Record<string, string>): Json | undefined {
  for (const name of Object.keys(images)) {
    const all = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
    if (name !== "*" && !all.some((c: Json) => c.name === name))
      throw new CliError(`unable to find container named "${name}"`);
  }
  return containerPatch(path, spec, (c: Json, _list: ContainerList) => {
    const image = images[c.name] ?? images["*"];
    return image !== undefined && image !== c.image ? { image } : undefined;
  });
}

export async function runSetImage(ctx: Ctx, args: string[]): Promise<void> {
  const { resources, changes } = splitChanges(args, (a) => a.includes("="));
  if (changes.length === 0) throw new CliError("at least one image update is required");
  const images: Record<string, string> = {};
  for (const c of changes) {
    const eq = c.indexOf("=");
    if (eq <= 0) throw new CliError(`invalid image update format: ${c}`);
    images[c.slice(0, eq)] = c.slice(eq + 1);
  }
  for (const t of await podSpecTargets(ctx, resources)) {
    const patch = imagePatch(t.path, t.spec, images);
    if (patch) await sendSetPatch(ctx, t, patch, "image updated");
  }
}

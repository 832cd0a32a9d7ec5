import { resourcePath } from "@minik8s/client";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import { readManifests } from "../manifests.js";
import { targetOf } from "../objects.js";
import { kindPrefix, parseResourceArgs } from "../resources.js";

export interface ScaleFlags {
  replicas?: string;
  currentReplicas?: string;
  filename?: string[];
}

export async function runScale(ctx: Ctx, args: string[], flags: ScaleFlags): Promise<void> {
  if (flags.replicas === undefined) throw new CliError('required flag(s) "replicas" not set');
  const replicas = Number(flags.replicas);
  if (!Number.isInteger(replicas) || replicas < 0)
    throw new CliError("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
  const targets: {
    info: ReturnType<typeof parseResourceArgs>[number]["type"];
    ns: string | undefined;
    name: string;
  }[] = [];
  if (flags.filename?.length) {
    for (const m of await readManifests(flags.filename, { readStdin: () => ctx.io.readStdin() })) {
      const t = targetOf(ctx, m);
      targets.push({ info: t.info, ns: t.namespace, name: t.name });
    }
  } else {
    for (const req of parseResourceArgs(args)) {
      if (req.names.length === 0) throw new CliError("resource(s) were provided, but no name was specified");
      for (const name of req.names) targets.push({ info: req.type, ns: ctx.namespace, name });
    }
  }
  if (targets.length === 0)
    throw new CliError("You must provide one or more resources by argument or filename.");
  for (const t of targets) {
    if (!t.info.subresources.some((s) => s.name === "scale")) {
      throw new CliError(`cannot scale ${t.info.plural}: the resource has no scale subresource`);
    }
    const path = resourcePath(t.info, { namespace: t.ns, name: t.name, subresource: "scale" });
    if (flags.currentReplicas !== undefined) {
      const scale = await ctx.cluster.request<{ spec?: { replicas?: number } }>({ path });
      if ((scale.spec?.replicas ?? 0) !== Number(flags.currentReplicas)) {
        throw new CliError(
          `Expected replicas to be ${flags.currentReplicas}, was ${scale.spec?.replicas ?? 0}`,
        );
      }
    }
    await ctx.cluster.request({
      method: "PATCH",
      path,
      body: { spec: { replicas } },
      contentType: "application/merge-patch+json",
    });
    ctx.out(`${kindPrefix(t.info)}/${t.name} scaled\n`);
  }
}

import { resourcePath } from "@minik8s/client";
import { getObject, listObjects } from "../api.js";
import type { Ctx } from "../context.js";
import { CliError, formatError } from "../errors.js";
import type { KubeObject } from "../manifests.js";
import { dryRunSuffix, parseDryRun } from "../objects.js";
import { kindPrefix, parseResourceArgs } from "../resources.js";

export interface MetaFlags {
  overwrite?: boolean;
  selector?: string;
  all?: boolean;
  allNamespaces?: boolean;
  dryRun?: string | boolean;
  list?: boolean;
  output?: string;
}

export type Field = "labels" | "annotations";

/** Splits `KEY=VALUE` / `KEY-` arguments from the resource arguments before them. */
export function parseChanges(
  args: string[],
  verb: string,
): { resources: string[]; set: Record<string, string>; remove: string[] } {
  const resources: string[] = [];
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const arg of args) {
    if (arg.includes("=")) {
      const eq = arg.indexOf("=");
      set[arg.slice(0, eq)] = arg.slice(eq + 1);
    } else if (arg.endsWith("-") && resources.length > 0) {
      remove.push(arg.slice(0, -1));
    } else if (Object.keys(set).length || remove.length) {
      throw new CliError(`invalid ${verb} format: ${arg}`);
    } else {
      resources.push(arg);
    }
  }
  for (const k of remove)
    if (k in set)
      throw new CliError(
        `can not both modify and remove the following ${verb === "label" ? "label" : "annotation"}(s) in the same command: ${k}`,
      );
  return { resources, set, remove };
}

export async function runMeta(
  ctx: Ctx,
  args: string[],
  flags: MetaFlags,
  field: Field,
  verb: string,
  done: string,
): Promise<void> {
  const dryRun = parseDryRun(flags.dryRun);
  const { resources, set, remove } = parseChanges(args, verb);
  if (resources.length === 0)
    throw new CliError("one or more resources must be specified as <resource> <name> or <resource>/<name>");
  if (!flags.list && Object.keys(set).length === 0 && remove.length === 0)
    throw new CliError(`at least one ${field.slice(0, -1)} update is required`);
  const ns = flags.allNamespaces ? undefined : ctx.namespace;
  const objects: KubeObject[] = [];
  for (const req of parseResourceArgs(resources)) {
    if (req.names.length > 0) {
      for (const name of req.names)
        objects.push({
          ...(await getObject(ctx.cluster, req.type, ns ?? ctx.namespace, name)),
          kind: req.type.kind,
        });
    } else if (flags.selector || flags.all) {
      const list = await listObjects(ctx.cluster, req.type, ns, { labelSelector: flags.selector });
      objects.push(...list.items);
    } else {
      throw new CliError("resource(s) were provided, but no name was specified");
    }
  }
  let failed = false;
  for (const obj of objects) {
    const info = parseResourceArgs([obj.kind!])[0]!.type;
    const name = obj.metadata?.name ?? "";
    const current: Record<string, string> = (obj.metadata?.[field] as Record<string, string>) ?? {};
    if (flags.list) {
      for (const k of Object.keys(current).sort()) ctx.out(`${k}=${current[k]}\n`);
      continue;
    }
    const patch: Record<string, string | null> = {};
    try {
      for (const [k, v] of Object.entries(set)) {
        if (k in current && current[k] !== v && !flags.overwrite) {
          throw new CliError(`'${k}' already has a value (${current[k]}), and --overwrite is false`);
        }
        if (current[k] !== v) patch[k] = v;
      }
      for (const k of remove) {
        if (k in current) patch[k] = null;
        else if (field === "labels") ctx.out(`label "${k}" not found.\n`);
      }
    } catch (err) {
      failed = true;
      ctx.err(`${formatError(err)}\n`);
      continue;
    }
    const changed = Object.keys(patch).length > 0;
    if (changed && dryRun !== "client") {
      await ctx.cluster.request({
        method: "PATCH",
        path: resourcePath(info, { namespace: obj.metadata?.namespace, name: name }),
        query: { fieldManager: `kubectl-${verb}`, dryRun: dryRun === "server" ? "All" : undefined },
        body: { metadata: { [field]: patch } },
        contentType: "application/merge-patch+json",
      });
    }
    const what = `${kindPrefix(info)}/${name}`;
    // kubectl says "unlabeled" when the labels only shrank (and --overwrite was not given).
    const onlyRemoved = changed && Object.values(patch).every((v) => v === null) && !flags.overwrite;
    const said = field === "annotations" ? done : !changed ? `not ${done}` : onlyRemoved ? `un${done}` : done;
    if (flags.output === "name") ctx.out(`${what}\n`);
    else ctx.out(`${what} ${said}${dryRunSuffix(dryRun)}\n`);
  }
  if (failed) throw new CliError("", 1, true);
}

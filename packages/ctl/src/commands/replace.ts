import { type Command, Option } from "commander";
import { type Ctx, ctxOf } from "../context.js";
import { CliError, formatError } from "../errors.js";
import { type KubeObject, readManifests } from "../manifests.js";
import { displayName, dryRunSuffix, parseDryRun, targetOf } from "../objects.js";
import { parseOutput, printObjects } from "../printers/output.js";
import { resourcePath } from "../resources.js";
import { LAST_APPLIED, withLastApplied } from "./apply.js";
import { whenDoing } from "./create.js";

interface ReplaceFlags {
  filename?: string[];
  recursive?: boolean;
  dryRun?: string | boolean;
  output?: string;
  saveConfig?: boolean;
  force?: boolean;
}

export function registerReplace(program: Command): void {
  program
    .command("replace")
    .summary("Replace a resource by file name or stdin")
    .description(
      "Replace a resource by file name or stdin: a PUT of the whole object. The resource must exist.",
    )
    .requiredOption("-f, --filename <file...>", "The files that contain the configurations to replace")
    .option("-R, --recursive", "Process the directory used in -f, --filename recursively")
    .addOption(new Option("--dry-run [strategy]", 'Must be "none", "server", or "client"').preset("client"))
    .option("-o, --output <format>", "Output format: json, yaml, name")
    .option("--save-config", "Store this configuration in the last-applied-configuration annotation")
    .option("--force", "Delete and re-create the resource")
    .action(async (flags: ReplaceFlags, cmd: Command) => runReplace(ctxOf(cmd), flags));
}

async function runReplace(ctx: Ctx, flags: ReplaceFlags): Promise<void> {
  const dryRun = parseDryRun(flags.dryRun);
  const format = flags.output ? parseOutput(flags.output, "object") : undefined;
  const manifests = await readManifests(flags.filename ?? [], {
    recursive: flags.recursive,
    readStdin: () => ctx.io.readStdin(),
  });
  let failed = false;
  for (const m of manifests) {
    const t = targetOf(ctx, m);
    const path = resourcePath(t.info, t.namespace, t.name);
    const query = {
      fieldManager: "kubectl-replace",
      fieldValidation: "Strict",
      dryRun: dryRun === "server" ? "All" : undefined,
    };
    try {
      let body = flags.saveConfig ? withLastApplied(t.object).modified : structuredClone(t.object);
      let result: KubeObject = body;
      if (flags.force) {
        if (dryRun === "none") {
          await ctx.cluster.request({
            method: "DELETE",
            path,
            body: { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background" },
          });
          ctx.out(`${displayName(t.info, t.name)} deleted\n`);
          result = await ctx.cluster.request<KubeObject>({
            method: "POST",
            path: resourcePath(t.info, t.namespace),
            query,
            body,
          });
        }
        ctx.out(`${displayName(t.info, t.name)} replaced${dryRunSuffix(dryRun)}\n`);
        continue;
      }
      // kubectl keeps the live last-applied annotation on replace unless --save-config replaces it.
      const live = await ctx.cluster.request<KubeObject>({ path });
      const keep = live.metadata?.annotations?.[LAST_APPLIED];
      if (keep && !flags.saveConfig) {
        body = {
          ...body,
          metadata: {
            ...body.metadata,
            annotations: { ...body.metadata?.annotations, [LAST_APPLIED]: keep },
          },
        };
      }
      if (!body.metadata?.resourceVersion)
        body.metadata = { ...body.metadata, resourceVersion: live.metadata?.resourceVersion };
      if (dryRun !== "client")
        result = await ctx.cluster.request<KubeObject>({ method: "PUT", path, query, body });
      if (format && format.kind !== "table") ctx.out(printObjects(format, [result], true));
      else ctx.out(`${displayName(t.info, t.name)} replaced${dryRunSuffix(dryRun)}\n`);
    } catch (err) {
      failed = true;
      ctx.err(`${whenDoing(formatError(err), "replacing", t.source)}\n`);
    }
  }
  if (failed) throw new CliError("", 1, true);
}

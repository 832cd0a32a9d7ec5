import { type Command, Option } from "commander";
import { type Ctx, ctxOf } from "../context.js";
import { CliError, formatError } from "../errors.js";
import { type KubeObject, readManifests } from "../manifests.js";
import { displayName, dryRunSuffix, parseDryRun, targetOf } from "../objects.js";
import { parseOutput, printObjects } from "../printers/output.js";
import { resourcePath } from "../resources.js";
import { withLastApplied } from "./apply.js";

interface CreateFlags {
  filename?: string[];
  recursive?: boolean;
  dryRun?: string | boolean;
  output?: string;
  saveConfig?: boolean;
}

export function registerCreate(program: Command): void {
  program
    .command("create")
    .summary("Create a resource from a file or from stdin")
    .description("Create a resource from a file or from stdin. JSON and YAML formats are accepted.")
    .requiredOption(
      "-f, --filename <file...>",
      "Filename, directory, or URL to files to use to create the resource",
    )
    .option("-R, --recursive", "Process the directory used in -f, --filename recursively")
    .addOption(new Option("--dry-run [strategy]", 'Must be "none", "server", or "client"').preset("client"))
    .option("-o, --output <format>", "Output format: json, yaml, name")
    .option(
      "--save-config",
      "Store this configuration in the last-applied-configuration annotation, so later applies work",
    )
    .action(async (flags: CreateFlags, cmd: Command) => runCreate(ctxOf(cmd), flags));
}

async function runCreate(ctx: Ctx, flags: CreateFlags): Promise<void> {
  const dryRun = parseDryRun(flags.dryRun);
  const format = flags.output ? parseOutput(flags.output, "object") : undefined;
  const manifests = await readManifests(flags.filename ?? [], {
    recursive: flags.recursive,
    readStdin: () => ctx.io.readStdin(),
  });
  let failed = false;
  for (const m of manifests) {
    const t = targetOf(ctx, m);
    const body = flags.saveConfig ? withLastApplied(t.object).modified : t.object;
    try {
      let result: KubeObject = body;
      if (dryRun !== "client") {
        result = await ctx.cluster.request<KubeObject>({
          method: "POST",
          path: resourcePath(t.info, t.namespace),
          query: {
            fieldManager: "kubectl-create",
            fieldValidation: "Strict",
            dryRun: dryRun === "server" ? "All" : undefined,
          },
          body,
        });
      }
      if (format && format.kind !== "table") ctx.out(printObjects(format, [result], true));
      else
        ctx.out(`${displayName(t.info, result.metadata?.name ?? t.name)} created${dryRunSuffix(dryRun)}\n`);
    } catch (err) {
      failed = true;
      ctx.err(`${whenDoing(formatError(err), "creating", t.source)}\n`);
    }
  }
  if (failed) throw new CliError("", 1, true);
}

/** kubectl's `Error from server (AlreadyExists): error when creating "web.yaml": ...`. */
export function whenDoing(message: string, verb: string, source: string): string {
  const m = /^Error from server \(([^)]*)\): /.exec(message);
  if (!m) return message;
  return `Error from server (${m[1]}): error when ${verb} "${source}": ${message.slice(m[0].length)}`;
}

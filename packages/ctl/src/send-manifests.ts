import { withLastApplied } from "./actions/apply.js";
import type { Ctx } from "./context.js";
import { CliError, formatError } from "./errors.js";
import { type KubeObject, readManifests } from "./manifests.js";
import { type DryRun, displayName, dryRunSuffix, parseDryRun, type Target, targetOf } from "./objects.js";
import { parseOutput, printObjects } from "./printers/output.js";

/** The flags of the verbs that send whole objects from `-f` files: `create` and `replace`. */
export interface SendFlags {
  filename?: string[];
  recursive?: boolean;
  dryRun?: string | boolean;
  output?: string;
  saveConfig?: boolean;
}

/**
 * What one verb does with one object. `body` is the object to send, with the last-applied
 * annotation when `--save-config` asked for it. The reply is printed as the verb's result;
 * undefined means the verb has already said what it did.
 */
export type Send = (target: Target, body: KubeObject, dryRun: DryRun) => Promise<KubeObject | undefined>;

/**
 * The flow kubectl's `create` and `replace` share: read every object of the `-f` files, send
 * each, print what happened; a failure is reported against its file and the rest still go, and
 * mkctl then exits 1.
 */
export async function sendManifests(
  ctx: Ctx,
  flags: SendFlags,
  verb: { done: string; doing: string },
  send: Send,
): Promise<void> {
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
      const result = await send(t, body, dryRun);
      if (!result) continue;
      if (format && format.kind !== "table") ctx.out(printObjects(format, [result], true));
      else
        ctx.out(
          `${displayName(t.info, result.metadata?.name ?? t.name)} ${verb.done}${dryRunSuffix(dryRun)}\n`,
        );
    } catch (err) {
      failed = true;
      ctx.err(`${whenDoing(formatError(err), verb.doing, t.source)}\n`);
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

import { getObject } from "../api.js";
import type { Ctx } from "../context.js";
import { describePodTemplate } from "../describe/pod-template.js";
import { goTabwriter, PrefixWriter } from "../describe/prefix-writer.js";
import { CliError } from "../errors.js";
import { kindPrefix } from "../resources.js";
import { CHANGE_CAUSE, replicaSetsOf } from "../workloads/deployment-history.js";
import { NO_RESOURCES, namedTargets, requireDeployment } from "../workloads/targets.js";

// biome-ignore lint/suspicious/noExplicitAny: objects from the server are untyped JSON here
type Json = any;

export interface RolloutHistoryFlags {
  revision?: string;
}

/** kubectl's printHistory: REVISION and CHANGE-CAUSE, tab-aligned with padding 2. */
export function formatHistory(history: { revision: number; template: Json }[]): string {
  if (history.length === 0) return "No rollout history found.";
  let text = "REVISION\tCHANGE-CAUSE\n";
  for (const h of history)
    text += `${h.revision}\t${h.template.metadata?.annotations?.[CHANGE_CAUSE] || "<none>"}\n`;
  return goTabwriter(text, 0, 2);
}

/** kubectl's printTemplate: the describe view of one revision's pod template, its tabs left raw. */
export function formatTemplate(template: Json): string {
  const w = new PrefixWriter();
  describePodTemplate(w, template);
  return w.raw();
}

/** The templates of a deployment's revisions; each carries its ReplicaSet's change-cause, as in kubectl. */
export async function historyOf(ctx: Ctx, deployment: Json): Promise<{ revision: number; template: Json }[]> {
  const byRevision = new Map<number, Json>();
  for (const { revision, rs } of await replicaSetsOf(ctx.cluster, deployment)) {
    const template = structuredClone(rs.spec?.template ?? {});
    const cause = rs.metadata?.annotations?.[CHANGE_CAUSE];
    if (cause) {
      template.metadata ??= {};
      template.metadata.annotations = { ...template.metadata.annotations, [CHANGE_CAUSE]: cause };
    }
    byRevision.set(revision, template);
  }
  return [...byRevision.entries()]
    .sort(([a], [b]) => a - b)
    .map(([revision, template]) => ({ revision, template }));
}

export async function runRolloutHistory(ctx: Ctx, args: string[], flags: RolloutHistoryFlags): Promise<void> {
  const revision = flags.revision === undefined ? 0 : Number(flags.revision);
  if (!Number.isInteger(revision) || revision < 0)
    throw new CliError(`revision must be a positive integer: ${flags.revision}`);
  for (const t of namedTargets(args, NO_RESOURCES)) {
    requireDeployment(t, 'no history viewer has been implemented for "%KIND%"');
    const deployment = await getObject(ctx.cluster, t.info, ctx.namespace, t.name);
    const history = await historyOf(ctx, deployment);
    let body: string;
    if (revision > 0) {
      const found = history.find((h) => h.revision === revision);
      if (!found) throw new CliError("unable to find the specified revision");
      body = formatTemplate(found.template);
    } else {
      body = formatHistory(history);
    }
    // kubectl prints the name with the operation "" or "with revision #N", then the history.
    const op = revision > 0 ? `with revision #${revision}` : "";
    ctx.out(`${kindPrefix(t.info)}/${t.name} ${op}\n${body}\n`);
  }
}

// rollout restart, pause and resume: one strategic merge patch each, as kubectl sends them.
import { resourcePath } from "@minik8s/client";
import { getObject } from "../api.js";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import { kindPrefix, qualifiedPlural } from "../resources.js";
import { rfc3339 } from "../workloads/rfc3339.js";
import { NO_RESOURCES, namedTargets } from "../workloads/targets.js";

// biome-ignore lint/suspicious/noExplicitAny: objects from the server are untyped JSON here
type Json = any;

export const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

export type RolloutVerb = "restart" | "pause" | "resume";

/** The patch for `verb` on `obj`, or the reason kubectl gives for refusing it. */
export function rolloutPatch(verb: RolloutVerb, obj: Json, now: Date): { patch: Json } | { error: string } {
  const kind = obj.kind;
  if (kind !== "Deployment")
    return {
      error: `${verb === "restart" ? "restarting" : verb === "pause" ? "pausing" : "resuming"} is not supported`,
    };
  const paused = obj.spec?.paused === true;
  switch (verb) {
    case "restart":
      if (paused) return { error: "can't restart paused deployment (run rollout resume first)" };
      return {
        patch: { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: rfc3339(now) } } } } },
      };
    case "pause":
      if (paused) return { error: "is already paused" };
      return { patch: { spec: { paused: true } } };
    case "resume":
      if (!paused) return { error: "is not paused" };
      return { patch: { spec: { paused: null } } };
  }
}

const DONE: Record<RolloutVerb, string> = { restart: "restarted", pause: "paused", resume: "resumed" };

export async function runRolloutPatch(ctx: Ctx, verb: RolloutVerb, args: string[]): Promise<void> {
  const errors: string[] = [];
  for (const t of namedTargets(args, NO_RESOURCES)) {
    const obj = { kind: t.info.kind, ...(await getObject(ctx.cluster, t.info, ctx.namespace, t.name)) };
    const result = rolloutPatch(verb, obj, ctx.io.now());
    if ("error" in result) {
      errors.push(`error: ${qualifiedPlural(t.info)} "${t.name}" ${result.error}`);
      continue;
    }
    await ctx.cluster.request({
      method: "PATCH",
      path: resourcePath(t.info, { namespace: ctx.namespace, name: t.name }),
      query: { fieldManager: "kubectl-rollout" },
      contentType: "application/strategic-merge-patch+json",
      body: result.patch,
    });
    ctx.out(`${kindPrefix(t.info)}/${t.name} ${DONE[verb]}\n`);
  }
  if (errors.length) throw new CliError(errors.join("\n"));
}

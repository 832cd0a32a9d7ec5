import { getObject, listObjects, watchObjects } from "../api.js";
import type { Ctx } from "../context.js";
import { parseDuration } from "../context.js";
import { CliError } from "../errors.js";
import type { KubeObject } from "../manifests.js";
import { revisionOf } from "../workloads/deployment-history.js";
import { namedTargets, requireDeployment } from "../workloads/targets.js";

// biome-ignore lint/suspicious/noExplicitAny: a Deployment as the server sends it
type Json = any;

export interface RolloutStatusFlags {
  watch?: boolean | string;
  timeout?: string;
  revision?: string;
}

/**
 * kubectl's DeploymentStatusViewer: the line to print for the deployment as it is now, and
 * whether the rollout is done. A Progressing condition with ProgressDeadlineExceeded fails.
 */
export function deploymentStatus(d: Json, revision = 0): { message: string; done: boolean } {
  const name = d.metadata?.name;
  if (revision > 0) {
    const current = revisionOf(d) ?? 0;
    if (current !== revision)
      throw new CliError(
        `desired revision (${revision}) is different from the running revision (${current})`,
      );
  }
  const st = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (st.observedGeneration ?? 0))
    return { message: "Waiting for deployment spec update to be observed...\n", done: false };
  const progressing = (st.conditions ?? []).find((c: Json) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded")
    throw new CliError(`deployment "${name}" exceeded its progress deadline`);
  const updated = st.updatedReplicas ?? 0;
  const waiting = (what: string) => ({
    message: `Waiting for deployment "${name}" rollout to finish: ${what}...\n`,
    done: false,
  });
  if (d.spec?.replicas !== undefined && updated < d.spec.replicas)
    return waiting(`${updated} out of ${d.spec.replicas} new replicas have been updated`);
  if ((st.replicas ?? 0) > updated)
    return waiting(`${(st.replicas ?? 0) - updated} old replicas are pending termination`);
  if ((st.availableReplicas ?? 0) < updated)
    return waiting(`${st.availableReplicas ?? 0} of ${updated} updated replicas are available`);
  return { message: `deployment "${name}" successfully rolled out\n`, done: true };
}

/** `rollout status`: prints each change of the deployment until it is rolled out, as kubectl does. */
export async function runRolloutStatus(ctx: Ctx, args: string[], flags: RolloutStatusFlags): Promise<void> {
  // `-w deploy/web` hands the resource to -w's optional value; give it back.
  let watch = true;
  if (typeof flags.watch === "string") {
    if (flags.watch === "false") watch = false;
    else if (flags.watch !== "true") args = [flags.watch, ...args];
  } else if (flags.watch === false) watch = false;
  const revision = flags.revision === undefined ? 0 : Number(flags.revision);
  if (!Number.isInteger(revision) || revision < 0) throw new CliError("revision must be a positive integer");
  const timeoutMs = flags.timeout && flags.timeout !== "0" ? parseDuration(flags.timeout) : undefined;
  if (flags.timeout && flags.timeout !== "0" && timeoutMs === undefined)
    throw new CliError(
      `invalid argument "${flags.timeout}" for "--timeout" flag: time: invalid duration "${flags.timeout}"`,
    );
  const targets = namedTargets(args, "Required resource not specified.");
  for (const t of targets) {
    requireDeployment(t, "no status viewer has been implemented for %KIND%");
    const ns = ctx.namespace;
    await getObject(ctx.cluster, t.info, ns, t.name); // NotFound in the server's words
    const abort = new AbortController();
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => abort.abort(), timeoutMs);
    try {
      await untilRolledOut(ctx, t.info, ns, t.name, revision, watch, abort.signal);
    } catch (err) {
      if (abort.signal.aborted && !(err instanceof CliError)) throw timedOut();
      throw err;
    } finally {
      if (timer) clearTimeout(timer);
      abort.abort();
    }
  }
}

async function untilRolledOut(
  ctx: Ctx,
  info: Parameters<typeof listObjects>[1],
  ns: string,
  name: string,
  revision: number,
  watch: boolean,
  signal: AbortSignal,
): Promise<void> {
  const fieldSelector = `metadata.name=${name}`;
  const show = (d: Json): boolean => {
    const { message, done } = deploymentStatus(d, revision);
    ctx.out(message);
    return done || !watch;
  };
  // List, then watch from the list; a watch the server ends is resumed, as UntilWithSync does.
  for (;;) {
    if (signal.aborted) throw timedOut();
    const list = await listObjects(ctx.cluster, info, ns, { fieldSelector });
    const current = list.items[0];
    if (!current) throw new CliError("object has been deleted");
    if (show(current)) return;
    const events = watchObjects<KubeObject>(ctx.cluster, info, ns, {
      fieldSelector,
      resourceVersion: list.metadata?.resourceVersion,
      signal,
    });
    for await (const ev of events) {
      if (ev.type === "ADDED" || ev.type === "MODIFIED") {
        if (show(ev.object)) return;
      } else if (ev.type === "DELETED") {
        throw new CliError("object has been deleted");
      } else if (ev.type === "ERROR") {
        break; // relist, as a 410 Gone makes kubectl do
      }
    }
    if (signal.aborted) throw timedOut();
  }
}

function timedOut(): CliError {
  return new CliError("timed out waiting for the condition");
}

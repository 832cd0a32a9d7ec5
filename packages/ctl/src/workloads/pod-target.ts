import type { Pod } from "@minik8s/api";
import { resolveResource } from "@minik8s/api/registry";
import { resourcePath } from "@minik8s/client";
import { getObject, listObjects } from "../api.js";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import { kindPrefix } from "../resources.js";

const PODS = resolveResource("pods")!;
const DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";

/**
 * The pod `logs` and `exec` act on: `NAME` or `pod/NAME` is that pod; `TYPE/NAME` of a workload
 * (deploy/web, rs/web-1, job/x, svc/web) is the first of the pods its selector picks, as kubectl
 * does, saying so on stderr when there were several.
 */
export async function resolvePod(ctx: Ctx, arg: string): Promise<Pod> {
  const slash = arg.indexOf("/");
  if (slash < 0) return getPod(ctx, arg);
  const type = resolveResource(arg.slice(0, slash));
  const name = arg.slice(slash + 1);
  if (!type) throw new CliError(`the server doesn't have a resource type "${arg.slice(0, slash)}"`);
  if (type.kind === "Pod") return getPod(ctx, name);
  const obj = (await getObject(ctx.cluster, type, ctx.namespace, name)) as {
    spec?: { selector?: { matchLabels?: Record<string, string> } | Record<string, string> };
  };
  const selector = obj.spec?.selector;
  const labels =
    selector && "matchLabels" in selector ? (selector.matchLabels as Record<string, string>) : selector;
  if (!labels || Object.keys(labels).length === 0) {
    throw new CliError(`cannot attach to ${kindPrefix(type)}/${name}: selectors are not supported`);
  }
  const labelSelector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const pods = (await listObjects(ctx.cluster, PODS, ctx.namespace, { labelSelector }))
    .items as unknown as Pod[];
  if (pods.length === 0) throw new CliError(`no pods found for ${kindPrefix(type)}/${name}`);
  const [first] = pods.sort(byPreference);
  if (pods.length > 1) ctx.err(`Found ${pods.length} pods, using pod/${first!.metadata.name}\n`);
  return first!;
}

async function getPod(ctx: Ctx, name: string): Promise<Pod> {
  return ctx.cluster.request<Pod>({ path: resourcePath(PODS, { namespace: ctx.namespace, name }) });
}

/** kubectl's preference for the pod to use: running and ready first, then the oldest. */
function byPreference(a: Pod, b: Pod): number {
  const rank = (p: Pod) =>
    (p.status?.phase === "Running" ? 2 : 0) +
    (p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? 1 : 0);
  return (
    rank(b) - rank(a) ||
    Date.parse(a.metadata.creationTimestamp ?? "") - Date.parse(b.metadata.creationTimestamp ?? "")
  );
}

/** The container named with -c, else the annotated default, else the first (saying so when there were more). */
export function containerFor(ctx: Ctx, pod: Pod, asked: string | undefined): string {
  const names = pod.spec.containers.map((c) => c.name);
  const init = (pod.spec.initContainers ?? []).map((c) => c.name);
  if (asked) {
    if (!names.includes(asked) && !init.includes(asked)) {
      throw new CliError(`container ${asked} not found in pod ${pod.metadata.name}`);
    }
    return asked;
  }
  const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && names.includes(annotated)) return annotated;
  const chosen = names[0]!;
  if (names.length + init.length > 1) {
    const all = [...names, ...init.map((n) => `${n} (init)`)].join(", ");
    ctx.err(`Defaulted container "${chosen}" out of: ${all}\n`);
  }
  return chosen;
}

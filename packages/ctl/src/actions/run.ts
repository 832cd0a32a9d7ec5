import { kindForApiVersion } from "@minik8s/api/registry";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import type { KubeObject } from "../manifests.js";
import { createGenerated } from "../workloads/create-object.js";

export interface RunFlags {
  image?: string;
  restart?: string;
  command?: boolean;
  port?: string;
  env?: string[];
  labels?: string;
  imagePullPolicy?: string;
  dryRun?: string | boolean;
  output?: string;
}

const RESTART_POLICIES = ["Always", "OnFailure", "Never"];

/** The bare Pod `kubectl run` makes: one container named after the pod, labels run=NAME. */
export function podFor(name: string, args: string[], flags: RunFlags): KubeObject {
  const labels: Record<string, string> = {};
  for (const pair of flags.labels ? flags.labels.split(",") : [`run=${name}`]) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new CliError(`invalid label spec: ${pair}`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const env = (flags.env ?? []).map((e) => {
    const eq = e.indexOf("=");
    if (eq <= 0) throw new CliError(`invalid env: ${e}`);
    return { name: e.slice(0, eq), value: e.slice(eq + 1) };
  });
  const container: Record<string, unknown> = { name, image: flags.image };
  if (args.length) container[flags.command ? "command" : "args"] = args;
  if (env.length) container.env = env;
  if (flags.port !== undefined) container.ports = [{ containerPort: Number(flags.port) }];
  if (flags.imagePullPolicy) container.imagePullPolicy = flags.imagePullPolicy;
  container.resources = {};
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: { containers: [container], dnsPolicy: "ClusterFirst", restartPolicy: flags.restart ?? "Always" },
    status: {},
  };
}

export async function runRun(
  ctx: Ctx,
  name: string | undefined,
  args: string[],
  flags: RunFlags,
): Promise<void> {
  if (!name) throw new CliError("NAME is required for run");
  if (!flags.image) throw new CliError('required flag(s) "image" not set');
  const restart = flags.restart ?? "Always";
  if (!RESTART_POLICIES.includes(restart)) throw new CliError(`invalid restart policy: ${restart}`);
  if (flags.command && args.length === 0)
    throw new CliError("--command requires arguments to be specified after --");
  if (flags.port !== undefined && !/^\d+$/.test(flags.port))
    throw new CliError(`invalid argument "${flags.port}" for "--port" flag`);
  await createGenerated(
    ctx,
    kindForApiVersion("v1", "Pod")!,
    podFor(name, args, { ...flags, restart }),
    flags,
    "kubectl-run",
  );
}

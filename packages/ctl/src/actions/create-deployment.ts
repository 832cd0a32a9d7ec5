import { kindForApiVersion } from "@minik8s/api/registry";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import type { KubeObject } from "../manifests.js";
import { createGenerated } from "../workloads/create-object.js";

export interface CreateDeploymentFlags {
  image?: string[];
  replicas?: string;
  port?: string;
  dryRun?: string | boolean;
  output?: string;
}

/** kubectl's container name for an image: its last path part without tag or digest, `_` as `-`. */
export function containerNameOf(image: string, taken: Set<string>): string {
  let name = image.split("/").at(-1) ?? image;
  name = name.split(":")[0]!.split("@")[0]!.replaceAll("_", "-");
  // kubectl adds a random suffix to a repeated name; a counter is as unique and reproducible.
  let unique = name;
  for (let i = 2; taken.has(unique); i++) unique = `${name}-${i}`;
  taken.add(unique);
  return unique;
}

/** The Deployment `kubectl create deployment` builds: labels app=NAME, one container per image. */
export function deploymentFor(
  name: string,
  images: string[],
  replicas: number,
  port: number,
  command: string[],
): KubeObject {
  const labels = { app: name };
  const taken = new Set<string>();
  const containers = images.map((image, i) => ({
    name: containerNameOf(image, taken),
    image,
    ...(command.length ? { command } : {}),
    ...(i === 0 && port >= 0 ? { ports: [{ containerPort: port }] } : {}),
    resources: {},
  }));
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers } },
      strategy: {},
    },
    status: {},
  };
}

export async function runCreateDeployment(
  ctx: Ctx,
  name: string | undefined,
  command: string[],
  flags: CreateDeploymentFlags,
): Promise<void> {
  if (!name) throw new CliError("NAME is required");
  if (!flags.image?.length) throw new CliError('required flag(s) "image" not set');
  const replicas = flags.replicas === undefined ? 1 : Number(flags.replicas);
  if (!Number.isInteger(replicas))
    throw new CliError(`invalid argument "${flags.replicas}" for "-r, --replicas" flag`);
  const port = flags.port === undefined ? -1 : Number(flags.port);
  if (!Number.isInteger(port)) throw new CliError(`invalid argument "${flags.port}" for "--port" flag`);
  const deployment = deploymentFor(name, flags.image, replicas, port, command);
  await createGenerated(
    ctx,
    kindForApiVersion("apps/v1", "Deployment")!,
    deployment,
    flags,
    "kubectl-create",
  );
}

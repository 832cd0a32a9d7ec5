import type { KindInfo } from "@minik8s/api/registry";
import { CliError } from "../errors.js";
import { parseResourceArgs } from "../resources.js";

export interface NamedTarget {
  info: KindInfo;
  name: string;
}

/** `deployment web`, `deploy/web api`: the named objects a rollout or set command works on. */
export function namedTargets(args: string[], usage: string): NamedTarget[] {
  if (args.length === 0) throw new CliError(usage);
  const out: NamedTarget[] = [];
  for (const req of parseResourceArgs(args)) {
    if (req.names.length === 0) throw new CliError("resource(s) were provided, but no name was specified");
    for (const name of req.names) out.push({ info: req.type, name });
  }
  return out;
}

/** kubectl's message for a rollout verb on a kind it does not apply to. */
export function requireDeployment(t: NamedTarget, message: string): void {
  if (t.info.kind !== "Deployment") throw new CliError(message.replace("%KIND%", t.info.kind));
}

export const NO_RESOURCES = `You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`;

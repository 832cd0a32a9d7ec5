import { kindForApiVersion } from "@minik8s/api/registry";
import { resourcePath } from "@minik8s/client";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import type { KubeObject } from "../manifests.js";
import { dryRunSuffix, parseDryRun, writeQuery } from "../objects.js";
import { parseOutput, printObjects } from "../printers/output.js";
import { parseResourceArgs } from "../resources.js";

export interface ExposeFlags {
  port?: string;
  targetPort?: string;
  protocol?: string;
  type?: string;
  name?: string;
  selector?: string;
  clusterIp?: string;
  labels?: string;
  externalIp?: string;
  sessionAffinity?: string;
  dryRun?: string | boolean;
  output?: string;
}

const SERVICE = kindForApiVersion("v1", "Service")!;
const EXPOSABLE = ["Pod", "Service", "Deployment", "ReplicaSet", "ReplicationController"];
const TYPES = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

// biome-ignore lint/suspicious/noExplicitAny: the exposed object is read field by field, whatever its kind
type Json = any;

interface PortSpec {
  port: number;
  protocol: string | undefined;
}

/**
 * `mkctl expose TYPE NAME`: a Service in front of a pod, a deployment, a replica set or another
 * service (kubectl's expose with the ServiceGeneratorV2). The selector, ports, protocols and
 * labels come from the object unless flags name them; several ports are named port-1, port-2 ...
 * and each targets the same number unless --target-port says otherwise.
 */
export async function runExpose(ctx: Ctx, args: string[], flags: ExposeFlags): Promise<void> {
  const requests = parseResourceArgs(args);
  const req = requests[0];
  if (!req || req.names.length === 0) {
    throw new CliError("You must provide one or more resources by argument or filename.");
  }
  if (requests.length > 1 || req.names.length > 1) throw new CliError("expose takes one resource");
  const name = req.names[0]!;
  if (!EXPOSABLE.includes(req.type.kind)) {
    throw new CliError(`cannot expose a ${req.type.kind}`);
  }
  if (flags.type !== undefined && !TYPES.includes(flags.type)) {
    throw new CliError(`invalid service type "${flags.type}"; want one of ${TYPES.join(", ")}`);
  }
  const dryRun = parseDryRun(flags.dryRun);
  const format = flags.output ? parseOutput(flags.output, "object") : undefined;
  const obj = await ctx.cluster.request<Json>({
    path: resourcePath(req.type, { namespace: ctx.namespace, name }),
  });

  const selector = flags.selector !== undefined ? parseMap(flags.selector, "--selector") : selectorOf(obj);
  let ports: PortSpec[];
  if (flags.port !== undefined) {
    const port = Number(flags.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new CliError(`invalid argument "${flags.port}" for "--port" flag`);
    }
    ports = [{ port, protocol: undefined }];
  } else {
    ports = portsOf(obj);
    if (ports.length === 0) throw new CliError("couldn't find port via --port flag or introspection");
  }
  const target =
    flags.targetPort === undefined
      ? undefined
      : /^\d+$/.test(flags.targetPort)
        ? Number(flags.targetPort)
        : flags.targetPort;
  const labels = flags.labels !== undefined ? parseMap(flags.labels, "--labels") : obj.metadata?.labels;
  const service: KubeObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: flags.name ?? name,
      ...(labels && Object.keys(labels).length > 0 ? { labels } : {}),
    },
    spec: {
      ports: ports.map((p, i) => ({
        ...(ports.length > 1 ? { name: `port-${i + 1}` } : {}),
        protocol: flags.protocol ?? p.protocol ?? "TCP",
        port: p.port,
        targetPort: target ?? p.port,
      })),
      selector,
      ...(flags.type ? { type: flags.type } : {}),
      ...(flags.clusterIp ? { clusterIP: flags.clusterIp } : {}),
      ...(flags.externalIp ? { externalIPs: [flags.externalIp] } : {}),
      ...(flags.sessionAffinity ? { sessionAffinity: flags.sessionAffinity } : {}),
    },
  };
  const result =
    dryRun === "client"
      ? service
      : await ctx.cluster.request<KubeObject>({
          method: "POST",
          path: resourcePath(SERVICE, { namespace: ctx.namespace }),
          query: writeQuery("kubectl-expose", dryRun),
          body: service,
        });
  if (format && format.kind !== "table") ctx.out(printObjects(format, [result], true));
  else ctx.out(`service/${result.metadata?.name ?? ""} exposed${dryRunSuffix(dryRun)}\n`);
}

/** The pods the object stands for, as a map-based selector (a Service cannot hold expressions). */
function selectorOf(obj: Json): Record<string, string> {
  const fail = (why: string) =>
    new CliError(`couldn't retrieve selectors via --selector flag or introspection: ${why}`);
  switch (obj.kind) {
    case "Pod": {
      const labels = obj.metadata?.labels ?? {};
      if (Object.keys(labels).length === 0) throw fail("the pod has no labels and cannot be exposed");
      return labels;
    }
    case "Service": {
      const sel = obj.spec?.selector ?? {};
      if (Object.keys(sel).length === 0) throw fail("the service has no pod selector set");
      return sel;
    }
    case "ReplicationController":
      return obj.spec?.selector ?? {};
    default: {
      const sel = obj.spec?.selector ?? {};
      if (sel.matchExpressions?.length) {
        throw fail(
          `couldn't convert expressions - "${JSON.stringify(sel.matchExpressions)}" to map-based selector format`,
        );
      }
      const labels = sel.matchLabels ?? {};
      if (Object.keys(labels).length === 0) {
        throw fail(`invalid ${obj.kind.toLowerCase()}: no selectors, therefore cannot be exposed`);
      }
      return labels;
    }
  }
}

/** The ports the object serves: its containers' ports, or a service's own ports. */
function portsOf(obj: Json): PortSpec[] {
  if (obj.kind === "Service") {
    return (obj.spec?.ports ?? []).map((p: Json) => ({ port: p.port, protocol: p.protocol }));
  }
  const podSpec = obj.kind === "Pod" ? obj.spec : obj.spec?.template?.spec;
  const out: PortSpec[] = [];
  for (const c of podSpec?.containers ?? []) {
    for (const p of c.ports ?? []) out.push({ port: p.containerPort, protocol: p.protocol });
  }
  return out;
}

/** `a=b,c=d`, as --selector and --labels take it. */
function parseMap(text: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(",").map((s) => s.trim())) {
    if (!part) continue;
    const eq = part.indexOf("=");
    if (eq <= 0) throw new CliError(`${flag}: want key=value pairs, got ${JSON.stringify(part)}`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

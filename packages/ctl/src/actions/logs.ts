import type { Pod } from "@minik8s/api";
import { resolveResource } from "@minik8s/api/registry";
import { resourcePath } from "@minik8s/client";
import { listObjects } from "../api.js";
import { type Ctx, parseDuration } from "../context.js";
import { CliError } from "../errors.js";
import { containerFor, resolvePod } from "../workloads/pod-target.js";

export interface LogsFlags {
  follow?: boolean;
  container?: string;
  tail?: string;
  since?: string;
  sinceTime?: string;
  timestamps?: boolean;
  previous?: boolean;
  selector?: string;
  prefix?: boolean;
  allContainers?: boolean;
  maxLogRequests?: string;
  limitBytes?: string;
}

const PODS = resolveResource("pods")!;

interface Source {
  pod: string;
  container: string;
}

/**
 * `mkctl logs`: `GET pods/NAME/log` for each pod and container asked for, the apiserver
 * proxying to the node's kubelet; with -f the streams stay open and are printed as they come.
 */
export async function runLogs(ctx: Ctx, args: string[], flags: LogsFlags): Promise<void> {
  const sources = await sourcesOf(ctx, args, flags);
  const limit = Number(flags.maxLogRequests ?? 5);
  if (flags.follow && sources.length > limit) {
    throw new CliError(
      `you are attempting to follow ${sources.length} log streams, but maximum allowed concurrency is ${limit}, use --max-log-requests to increase the limit`,
    );
  }
  const prefix = flags.prefix ?? false;
  const query = logQuery(flags);
  const read = (s: Source) => streamLog(ctx, s, query, prefix ? `[pod/${s.pod}/${s.container}] ` : "");
  if (flags.follow) await Promise.all(sources.map(read));
  else for (const s of sources) await read(s);
}

async function sourcesOf(ctx: Ctx, args: string[], flags: LogsFlags): Promise<Source[]> {
  let pods: Pod[];
  if (flags.selector) {
    if (args.length > 0) throw new CliError("only one of a selector or a pod name may be given");
    pods = (await listObjects(ctx.cluster, PODS, ctx.namespace, { labelSelector: flags.selector }))
      .items as unknown as Pod[];
    if (pods.length === 0) {
      ctx.err(`No resources found in ${ctx.namespace} namespace.\n`);
      return [];
    }
  } else {
    if (args.length === 0) {
      throw new CliError(
        "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command",
      );
    }
    if (args.length > 2) throw new CliError("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.");
    pods = [await resolvePod(ctx, args[0]!)];
    // `logs POD CONTAINER`, the older form.
    if (args[1]) flags = { ...flags, container: flags.container ?? args[1] };
  }
  const out: Source[] = [];
  for (const pod of pods) {
    const name = pod.metadata.name ?? "";
    if (flags.allContainers) {
      for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
        out.push({ pod: name, container: c.name });
      }
    } else {
      out.push({ pod: name, container: containerFor(ctx, pod, flags.container) });
    }
  }
  return out;
}

function logQuery(flags: LogsFlags): Record<string, string | undefined> {
  const q: Record<string, string | undefined> = {};
  if (flags.follow) q.follow = "true";
  if (flags.previous) q.previous = "true";
  if (flags.timestamps) q.timestamps = "true";
  // kubectl shows everything for one pod, the last 10 lines of each with a selector.
  const tail = flags.tail ?? (flags.selector ? "10" : "-1");
  if (!/^-?\d+$/.test(tail)) throw new CliError(`invalid argument "${tail}" for "--tail" flag`);
  if (Number(tail) >= 0) q.tailLines = tail;
  if (flags.since && flags.sinceTime)
    throw new CliError("at most one of `sinceTime` or `sinceSeconds` may be specified");
  if (flags.since) {
    const ms = parseDuration(flags.since);
    if (ms === undefined) throw new CliError(`invalid argument "${flags.since}" for "--since" flag`);
    q.sinceSeconds = String(Math.max(1, Math.ceil(ms / 1000)));
  }
  if (flags.sinceTime) q.sinceTime = flags.sinceTime;
  if (flags.limitBytes) q.limitBytes = flags.limitBytes;
  return q;
}

async function streamLog(ctx: Ctx, s: Source, query: Record<string, string | undefined>, prefix: string) {
  const stream = await ctx.cluster.requestStream({
    path: `${resourcePath(PODS, { namespace: ctx.namespace, name: s.pod })}/log`,
    query: { container: s.container, ...query },
  });
  const decoder = new TextDecoder();
  let partial = "";
  for await (const chunk of stream) {
    if (!prefix) {
      if (ctx.io.stdout) ctx.io.stdout.write(chunk);
      else ctx.out(decoder.decode(chunk, { stream: true }));
      continue;
    }
    // With a prefix, whole lines only: lines of several pods must not interleave mid-line.
    const lines = (partial + decoder.decode(chunk, { stream: true })).split("\n");
    partial = lines.pop() ?? "";
    if (lines.length > 0) ctx.out(lines.map((l) => `${prefix}${l}\n`).join(""));
  }
  const rest = partial + decoder.decode();
  if (rest) ctx.out(prefix ? `${prefix}${rest}\n` : rest);
}

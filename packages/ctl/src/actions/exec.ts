import { PassThrough } from "node:stream";
import { resolveResource } from "@minik8s/api/registry";
import { CHANNEL_PROTOCOLS, resourcePath, streamExec } from "@minik8s/client";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import { containerFor, resolvePod } from "../workloads/pod-target.js";

export interface ExecFlags {
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  quiet?: boolean;
}

const PODS = resolveResource("pods")!;

/**
 * `mkctl exec POD -- COMMAND`: a WebSocket to `pods/NAME/exec` speaking v5.channel.k8s.io (the
 * apiserver relays it to the kubelet). With -t on a terminal the local terminal goes raw, so
 * keys reach the remote shell as typed. The remote command's exit code becomes mkctl's.
 */
export async function runExec(ctx: Ctx, args: string[], dash: number, flags: ExecFlags): Promise<void> {
  // args: POD [--] COMMAND...; `dash` is where `--` stood (-1: not given).
  const [target, ...rest] = args;
  if (!target) throw new CliError("pod or type/name must be specified");
  if (rest.length === 0) throw new CliError("you must specify at least one command for the container");
  if (dash < 0 && !flags.quiet) {
    ctx.err(
      "kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.\n",
    );
  }
  const pod = await resolvePod(ctx, target);
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") {
    throw new CliError(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  }
  const container = containerFor(ctx, pod, flags.container);
  const input = flags.stdin ? (ctx.io.stdin ?? null) : null;
  const terminal = input && "isTTY" in input && input.isTTY ? (input as NodeJS.ReadStream) : undefined;
  let tty = flags.tty ?? false;
  if (tty && !terminal) {
    if (!flags.quiet) ctx.err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
    tty = false;
  }
  if (!ctx.cluster.openWebSocket) throw new CliError("this connection cannot open streams");
  const ws = await ctx.cluster.openWebSocket({
    path: `${resourcePath(PODS, { namespace: ctx.namespace, name: pod.metadata.name ?? "" })}/exec`,
    query: {
      command: rest,
      container,
      stdout: "true",
      stderr: tty ? undefined : "true",
      stdin: input ? "true" : undefined,
      tty: tty ? "true" : undefined,
    },
    protocols: CHANNEL_PROTOCOLS,
  });
  const stdout = ctx.io.stdout ?? textSink((s) => ctx.out(s));
  const stderr = ctx.io.stderr ?? textSink((s) => ctx.err(s));
  const handle = streamExec(ws, { stdin: input ?? undefined, stdout, stderr });
  const out = ctx.io.stdout as NodeJS.WriteStream | undefined;
  const onResize = () => out?.columns && handle.resize(out.columns, out.rows);
  if (terminal && tty) {
    terminal.setRawMode(true);
    onResize();
    out?.on("resize", onResize);
  }
  let code: number;
  try {
    code = await handle.done;
  } finally {
    if (terminal && tty) {
      terminal.setRawMode(false);
      out?.off("resize", onResize);
    }
    // process.stdin keeps mkctl alive while it is being read.
    if (input && "pause" in input) input.pause();
  }
  if (code !== 0) {
    if (!tty) ctx.err(`command terminated with exit code ${code}\n`);
    throw new CliError("", code);
  }
}

/** A byte stream that hands decoded text to `write` (tests, where Io has no raw streams). */
function textSink(write: (text: string) => void): NodeJS.WritableStream {
  const sink = new PassThrough();
  const decoder = new TextDecoder();
  sink.on("data", (chunk: Buffer) => write(decoder.decode(chunk, { stream: true })));
  return sink;
}

import { PassThrough, type Readable } from "node:stream";
import type { Clock } from "@minik8s/client";
import type { ExecSession, ExecStreamOptions, LogOptions } from "./container-runtime.js";

interface LogLine {
  at: number;
  text: string;
}

/**
 * The simulated runtime's container logs: lines a test (or a hollow node) appends, kept per
 * container, with the same tail, since, timestamps and follow a Docker log gives. A followed log
 * ends when its container exits, as `docker logs -f` does.
 */
export class SimLogBook {
  private readonly lines = new Map<string, LogLine[]>();
  private readonly followers = new Map<string, Set<{ out: PassThrough; timestamps: boolean }>>();
  private readonly done = new Set<string>();

  constructor(private readonly clock: Clock) {}

  /** Appends `text` (one or more lines; a missing final newline is added). */
  append(id: string, text: string): void {
    const at = this.clock.now();
    const list = this.lines.get(id) ?? [];
    this.lines.set(id, list);
    for (const line of text.replace(/\n$/, "").split("\n")) {
      const entry = { at, text: `${line}\n` };
      list.push(entry);
      for (const f of this.followers.get(id) ?? []) f.out.write(format(entry, f.timestamps));
    }
  }

  read(id: string, opts: LogOptions): Readable {
    const out = new PassThrough();
    const timestamps = opts.timestamps ?? false;
    let list = this.lines.get(id) ?? [];
    if (opts.sinceSeconds !== undefined) {
      const since = this.clock.now() - opts.sinceSeconds * 1000;
      list = list.filter((l) => l.at >= since);
    }
    if (opts.tailLines !== undefined) list = opts.tailLines === 0 ? [] : list.slice(-opts.tailLines);
    for (const line of list) out.write(format(line, timestamps));
    if (!opts.follow || this.done.has(id)) {
      out.end();
      return out;
    }
    const follower = { out, timestamps };
    const set = this.followers.get(id) ?? new Set();
    this.followers.set(id, set);
    set.add(follower);
    out.on("close", () => set.delete(follower));
    return out;
  }

  /** The container exited: followed logs end. */
  finished(id: string): void {
    this.done.add(id);
    for (const f of this.followers.get(id) ?? []) f.out.end();
    this.followers.delete(id);
  }

  /** The container was removed: its logs go with it. */
  removed(id: string): void {
    this.finished(id);
    this.lines.delete(id);
    this.done.delete(id);
  }
}

function format(line: LogLine, timestamps: boolean): string {
  return timestamps ? `${new Date(line.at).toISOString()} ${line.text}` : line.text;
}

/** What a simulated exec runs: it reads `stdin`, writes `stdout`/`stderr`, and resolves the exit code. */
export type SimExecHandler = (
  command: string[],
  io: { stdin: Readable; stdout: PassThrough; stderr: PassThrough; tty: boolean },
) => Promise<number>;

/**
 * The default simulated command: `echo ARGS` prints them, `cat` copies stdin to stdout,
 * `sh -c 'exit N'` exits N, `false` exits 1; anything else prints its argv and exits 0.
 */
export const defaultSimExec: SimExecHandler = async (command, { stdin, stdout }) => {
  const [cmd, ...args] = command;
  if (cmd === "echo") stdout.write(`${args.join(" ")}\n`);
  else if (cmd === "cat") for await (const chunk of stdin) stdout.write(chunk);
  else if (cmd === "false") return 1;
  else if (cmd === "sh" && args[0] === "-c" && /^exit \d+$/.test(args[1] ?? ""))
    return Number(args[1]!.slice(5));
  else if (cmd !== "true") stdout.write(`${command.join(" ")}\n`);
  return 0;
};

export function simExec(opts: ExecStreamOptions, handler: SimExecHandler): ExecSession {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (!opts.stdin) stdin.end();
  // A terminal has one output stream.
  if (opts.tty) stderr.end();
  const errOut = opts.tty ? stdout : stderr;
  const exitCode = handler(opts.command, { stdin, stdout, stderr: errOut, tty: opts.tty })
    .catch((err: unknown) => {
      errOut.write(`${err instanceof Error ? err.message : String(err)}\n`);
      return 126;
    })
    .then((code) => {
      stdout.end();
      if (!opts.tty) stderr.end();
      return code;
    });
  return {
    stdin: opts.stdin ? stdin : undefined,
    stdout,
    stderr,
    resize: async () => undefined,
    exitCode,
    abort: () => stdin.destroy(),
  };
}

// What mkctl takes from its surroundings, apart from the Ctx so that building the program loads no client.
import type { ResolvedClientConfig } from "@minik8s/client";
import type { Command } from "commander";
import type { Cluster } from "./cluster.js";

/** Where a command reads and writes: the process's streams, or buffers in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  /** Colour and other TTY niceties only when stdout is a terminal. */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  now(): Date;
  /** Raw byte streams, for exec and logs; without them text goes through out/err. */
  stdin?: NodeJS.ReadStream | NodeJS.ReadableStream | undefined;
  stdout?: NodeJS.WritableStream | undefined;
  stderr?: NodeJS.WritableStream | undefined;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    now: () => new Date(),
    // Getters: touching process.stdin makes a stream, which most commands never need.
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
  };
}

export interface Deps {
  io: Io;
  /** Replaces the HTTP connection, e.g. with a fake in unit tests. */
  cluster?: (config: ResolvedClientConfig & { timeoutMs?: number | undefined }) => Cluster;
}

const DEPS = Symbol("mkctl-deps");

export function attachDeps(program: Command, deps: Deps): void {
  (program as unknown as Record<symbol, Deps>)[DEPS] = deps;
}

/** The Deps attached to the root of `cmd`'s command tree. */
export function depsOf(cmd: Command): Deps {
  let root: Command = cmd;
  while (root.parent) root = root.parent;
  return (root as unknown as Record<symbol, Deps>)[DEPS]!;
}

import { Client, type ResolvedClientConfig } from "@minik8s/client";
import type { Command } from "commander";
import { ClientCluster, type Cluster } from "./cluster.js";
import { type ConnectionFlags, resolveConnection } from "./connection.js";
import { type Deps, depsOf, type Io } from "./deps.js";
import { CliError } from "./errors.js";

export interface GlobalFlags extends ConnectionFlags {
  requestTimeout?: string;
}

/** What every command gets: its streams, the flags in effect and a lazily opened cluster. */
export class Ctx {
  private clusterValue?: Cluster;
  private resolved?: ResolvedClientConfig;
  /** Why the connection could not be resolved: thrown only to commands that need it. */
  private resolveError?: unknown;

  constructor(
    readonly deps: Deps,
    readonly flags: GlobalFlags,
  ) {}

  get io(): Io {
    return this.deps.io;
  }

  out(text: string): void {
    this.io.out(text);
  }

  err(text: string): void {
    this.io.err(text);
  }

  /** Reads the kubeconfig (ctxOf does, once). A failure is kept for whoever needs the cluster. */
  async resolve(): Promise<void> {
    try {
      this.resolved = await resolveConnection(this.flags, this.io.env);
    } catch (err) {
      this.resolveError = err;
    }
  }

  private config(): ResolvedClientConfig {
    if (this.resolved) return this.resolved;
    throw this.resolveError ?? new Error("the kubeconfig was not read: build the Ctx with ctxOf");
  }

  /** The namespace of `-n`, else of the kubeconfig context, else "default". */
  get namespace(): string {
    if (this.flags.namespace) return this.flags.namespace;
    try {
      return this.config().namespace;
    } catch {
      return "default";
    }
  }

  /** True when the user named a namespace with -n (objects in files must then agree). */
  get namespaceExplicit(): boolean {
    return Boolean(this.flags.namespace);
  }

  get cluster(): Cluster {
    if (!this.clusterValue) {
      const cfg = this.config();
      const timeoutMs = parseTimeout(this.flags.requestTimeout);
      this.clusterValue = this.deps.cluster
        ? this.deps.cluster({ ...cfg, timeoutMs })
        : new ClientCluster(new Client({ ...cfg, userAgent: "mkctl" }), timeoutMs);
    }
    return this.clusterValue;
  }
}

/** kubectl's `--request-timeout`: "0" (none), a bare number of seconds, or a duration like 5s, 1m, 500ms. */
export function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined || text === "" || text === "0") return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw new CliError(
      `invalid argument "${text}" for "--request-timeout" flag: Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)`,
    );
  }
  return ms;
}

/** Go's time.ParseDuration for the units kubectl users write; a bare integer means seconds. */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === text.length && matched > 0 ? total : undefined;
}

/** Builds the Ctx of a command from its own and the global flags, its kubeconfig read. */
export async function ctxOf(cmd: Command): Promise<Ctx> {
  const ctx = new Ctx(depsOf(cmd), cmd.optsWithGlobals() as GlobalFlags);
  await ctx.resolve();
  return ctx;
}

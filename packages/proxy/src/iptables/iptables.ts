import { execFile, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import type { Jump, Table } from "./rules.js";

const exec = promisify(execFile);

/** The iptables commands the proxy needs; tests pass a recorder instead. */
export interface Iptables {
  /** `iptables-restore --noflush`: the input names whole tables, each applied atomically. */
  restore(input: string): Promise<void>;
  /** `iptables-save -t <table>`. */
  save(table: Table): Promise<string>;
  /** Inserts the jump at the top of its built-in chain unless it is already there. */
  ensureJump(jump: Jump): Promise<void>;
  /** Removes every copy of the jump. */
  deleteJump(jump: Jump): Promise<void>;
}

export class IptablesError extends Error {
  constructor(what: string, cause: unknown) {
    const detail = (cause as { stderr?: string }).stderr?.trim() || (cause as Error).message;
    super(`${what}: ${detail}`);
    this.name = "IptablesError";
  }
}

/** The real thing: the iptables binaries on the PATH, waiting for the xtables lock (`-w`). */
export class SystemIptables implements Iptables {
  async restore(input: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const child = spawn("iptables-restore", ["--noflush", "-w", "5"], {
        stdio: ["pipe", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      child.on("error", (err) => reject(new IptablesError("iptables-restore", err)));
      child.on("close", (code) => {
        if (code === 0) resolve();
        else
          reject(
            new IptablesError("iptables-restore", {
              stderr: `exit ${code}: ${stderr}${lineHint(stderr, input)}`,
            }),
          );
      });
      child.stdin.end(input);
    });
  }

  async save(table: Table): Promise<string> {
    try {
      return (await exec("iptables-save", ["-t", table], { maxBuffer: 256 * 1024 * 1024 })).stdout;
    } catch (err) {
      throw new IptablesError(`iptables-save -t ${table}`, err);
    }
  }

  async ensureJump(jump: Jump): Promise<void> {
    try {
      await exec("iptables", ["-w", "5", "-t", jump.table, "-C", jump.chain, ...jump.args]);
      return;
    } catch {
      // not there yet
    }
    try {
      await exec("iptables", ["-w", "5", "-t", jump.table, "-I", jump.chain, "1", ...jump.args]);
    } catch (err) {
      throw new IptablesError(`iptables -t ${jump.table} -I ${jump.chain}`, err);
    }
  }

  async deleteJump(jump: Jump): Promise<void> {
    for (let i = 0; i < 16; i++) {
      try {
        await exec("iptables", ["-w", "5", "-t", jump.table, "-D", jump.chain, ...jump.args]);
      } catch {
        return;
      }
    }
  }
}

/** iptables-restore names the failing line by number; show it. */
function lineHint(stderr: string, input: string): string {
  const m = /line:? (\d+)/i.exec(stderr);
  if (!m) return "";
  const line = input.split("\n")[Number(m[1]) - 1];
  return line ? ` (line ${m[1]}: ${line})` : "";
}

/**
 * Whether this process can program iptables: the binaries answer and we may read the nat table
 * (which needs root, or CAP_NET_ADMIN).
 */
export async function iptablesUsable(): Promise<{ ok: boolean; reason: string }> {
  try {
    await exec("iptables-save", ["-t", "nat"], { maxBuffer: 256 * 1024 * 1024 });
    await exec("iptables", ["-w", "5", "-t", "nat", "-L", "POSTROUTING", "-n"]);
    return { ok: true, reason: "iptables answers" };
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    return { ok: false, reason: detail.split("\n")[0] ?? "iptables failed" };
  }
}

/**
 * net.ipv4.conf.all.route_localnet=1, as kube-proxy sets it: without it the kernel drops packets
 * to 127.0.0.1 that were DNATed elsewhere, and NodePorts would not answer on localhost.
 */
export async function enableRouteLocalnet(): Promise<void> {
  await writeFile("/proc/sys/net/ipv4/conf/all/route_localnet", "1");
}

/** The chain names a saved table declares (`:NAME POLICY [p:b]`). */
export function savedChains(saved: string): string[] {
  const out: string[] = [];
  for (const line of saved.split("\n")) if (line.startsWith(":")) out.push(line.slice(1).split(" ")[0] ?? "");
  return out;
}

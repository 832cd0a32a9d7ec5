import { execFile } from "node:child_process";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a host command (iptables, ip): the seam tests replace. Never throws; a missing binary is code 127. */
export type RunCommand = (file: string, args: string[]) => Promise<CommandResult>;

export const runCommand: RunCommand = (file, args) =>
  new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : err.code === "ENOENT" ? 127 : 1) : 0;
      resolve({
        code,
        stdout: String(stdout),
        stderr: String(stderr || (err && !stderr ? err.message : "")),
      });
    });
  });

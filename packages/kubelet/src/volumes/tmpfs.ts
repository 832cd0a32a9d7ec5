import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Mount points at or under `dir`, deepest first (the order to unmount them in). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile("/proc/mounts", "utf8").catch(() => "");
  return text
    .split("\n")
    .map((line) => line.split(" ")[1]?.replace(/\\040/g, " "))
    .filter((p): p is string => p !== undefined && (p === dir || p.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
}

/**
 * Mounts a tmpfs on `dir` (medium: Memory emptyDirs, secrets) with `sizeBytes` as its size, as
 * the kubelet does. Needs root (CAP_SYS_ADMIN); the error says why it could not.
 */
export async function mountTmpfs(dir: string, sizeBytes?: number): Promise<void> {
  if ((await mountsUnder(dir)).includes(dir)) return;
  const opts = sizeBytes !== undefined ? ["-o", `size=${sizeBytes}`] : [];
  await run("mount", ["-t", "tmpfs", ...opts, "tmpfs", dir], { timeout: 10_000 });
}

export async function unmount(dir: string): Promise<void> {
  await run("umount", [dir], { timeout: 10_000 });
}

import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * One host-wide lock for tests that program the host's KUBE-* chains (a proxy in iptables mode,
 * `minik8s up`): those chains are global, so two test files doing it at once wipe each other's
 * rules. mkdir is atomic; the holder's pid sits inside, and a lock whose holder is dead is stale.
 */
export const HOST_LOCK_DIR = "/tmp/minik8s-iptables-test.lock";

export interface HostLockOptions {
  /** How long to wait for another holder before giving up (default 5 minutes). */
  waitMs?: number;
  pollMs?: number;
  dir?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A holder that died, or a lock with no pid written for 10 s (its maker died between mkdir and write). */
async function stale(dir: string): Promise<boolean> {
  const pid = Number.parseInt(await readFile(join(dir, "pid"), "utf8").catch(() => ""), 10);
  if (Number.isInteger(pid) && pid > 0) return pid !== process.pid && !alive(pid);
  const made = await stat(dir).catch(() => undefined);
  return made !== undefined && Date.now() - made.mtimeMs > 10_000;
}

/** Takes the lock, waiting at most `waitMs`; resolves to the function that releases it. */
export async function acquireHostLock(opts: HostLockOptions = {}): Promise<() => Promise<void>> {
  const dir = opts.dir ?? HOST_LOCK_DIR;
  const deadline = Date.now() + (opts.waitMs ?? 300_000);
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(join(dir, "pid"), String(process.pid));
      return async () => {
        // Only our own lock: a stale-lock breaker may have handed it to someone else meanwhile.
        const holder = await readFile(join(dir, "pid"), "utf8").catch(() => "");
        if (holder === String(process.pid)) await rm(dir, { recursive: true, force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (await stale(dir)) {
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      const holder = await readFile(join(dir, "pid"), "utf8").catch(() => "?");
      throw new Error(`${dir} is still held by pid ${holder} after ${opts.waitMs ?? 300_000} ms`);
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
}

/** Runs `fn` holding the host lock, releasing it however `fn` ends. */
export async function withHostLock<T>(fn: () => Promise<T>, opts: HostLockOptions = {}): Promise<T> {
  const release = await acquireHostLock(opts);
  try {
    return await fn();
  } finally {
    await release();
  }
}

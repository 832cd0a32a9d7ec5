import { randomBytes } from "node:crypto";
import {
  chmod,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { dirname, join } from "node:path";

export type Payload = Map<string, { data: Buffer; mode: number }>;

const DATA = "..data";

/**
 * Kubernetes' AtomicWriter: the files live in a timestamped directory `..2024_01_02_03_04_05.x`,
 * `..data` is a symlink to it, and each top-level name the user sees is a symlink through
 * `..data`. An update writes a new directory and swaps `..data` with one rename, so a reader
 * sees the old set or the new one, never half of each. Returns whether anything changed.
 */
export async function writePayload(dir: string, payload: Payload): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  const old = await readlink(join(dir, DATA)).catch(() => undefined);
  if (old && (await sameContent(join(dir, old), payload))) return false;

  const stamp = new Date().toISOString().replace(/[-T:]/g, "_").replace(/\..*$/, "");
  const tsName = `..${stamp}.${randomBytes(4).toString("hex")}`;
  const tsDir = join(dir, tsName);
  await mkdir(tsDir, { mode: 0o755 });
  await chmod(tsDir, 0o755);
  for (const [path, file] of payload) {
    const target = join(tsDir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.data);
    await chmod(target, file.mode);
  }
  const tmpLink = join(dir, "..data_tmp");
  await rm(tmpLink, { force: true });
  await symlink(tsName, tmpLink);
  await rename(tmpLink, join(dir, DATA));

  const visible = new Set([...payload.keys()].map((p) => p.split("/")[0]!));
  for (const name of visible) {
    const link = join(dir, name);
    const target = join(DATA, name);
    if ((await readlink(link).catch(() => undefined)) === target) continue;
    await rm(link, { force: true, recursive: true });
    await symlink(target, link);
  }
  for (const entry of await readdir(dir)) {
    if (entry.startsWith("..") ? entry !== DATA && entry !== tsName : !visible.has(entry)) {
      await rm(join(dir, entry), { recursive: true, force: true });
    }
  }
  return true;
}

async function sameContent(tsDir: string, payload: Payload): Promise<boolean> {
  const existing = await listFiles(tsDir).catch(() => undefined);
  if (!existing || existing.length !== payload.size) return false;
  for (const path of existing) {
    const want = payload.get(path);
    if (!want) return false;
    const [data, st] = await Promise.all([readFile(join(tsDir, path)), stat(join(tsDir, path))]);
    if (!data.equals(want.data) || (st.mode & 0o7777) !== want.mode) return false;
  }
  return true;
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out;
}

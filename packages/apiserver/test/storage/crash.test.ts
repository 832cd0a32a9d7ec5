import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { LevelStore } from "../../src/storage/index.js";

const WRITER = fileURLToPath(new URL("./fixtures/writer.ts", import.meta.url));

let dir: string | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill("SIGKILL");
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the writer, kills it with SIGKILL after about a second of acknowledged writes. */
async function writeThenKill(into: string): Promise<string[]> {
  const proc = spawn(process.execPath, ["--import", "tsx", WRITER, into], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  let out = "";
  let err = "";
  proc.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  proc.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<void>((resolve) => proc.on("exit", () => resolve()));
  // Wait (at most 20 s) for the first acknowledgement, then let it write for a second.
  for (let waited = 0; !/\n\/crash\//.test(out) && waited < 20_000 && proc.exitCode === null; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  proc.kill("SIGKILL");
  await exited;
  expect(err).toBe("");
  // A line cut short by the kill was never a complete acknowledgement.
  return out
    .split("\n")
    .slice(0, -1)
    .filter((line) => line.startsWith("/crash/"));
}

it("keeps every acknowledged write through kill -9, and the revision never goes back", async () => {
  dir = await mkdtemp(join(tmpdir(), "minik8s-crash-"));
  const acked = await writeThenKill(dir);
  expect(acked.length).toBeGreaterThan(100);
  console.log(`${acked.length} writes acknowledged before the kill`);

  // The latest acknowledged write of each key.
  const latest = new Map<string, { revision: number; n: number }>();
  let highest = 0;
  for (const line of acked) {
    const [key, revision, n] = line.split(" ");
    const ack = { revision: Number(revision), n: Number(n) };
    if ((latest.get(key!)?.revision ?? 0) < ack.revision) latest.set(key!, ack);
    highest = Math.max(highest, ack.revision);
  }

  const store = await LevelStore.open(dir);
  try {
    const reopened = await store.currentRevision();
    expect(reopened).toBeGreaterThanOrEqual(highest);
    for (const [key, ack] of latest) {
      const object = await store.get(key);
      expect(object, key).toBeDefined();
      expect(object!.modRevision, key).toBeGreaterThanOrEqual(ack.revision);
      if (object!.modRevision === ack.revision) expect(object!.value.n, key).toBe(ack.n);
    }
    // The log agrees with the state: replaying it from revision 0 gives the same objects.
    const all = await store.list("/crash/");
    expect(all.items.length).toBeGreaterThanOrEqual(latest.size);
    const watch = store.watch("/crash/", { sinceRevision: 0 });
    const replayed = new Map<string, unknown>();
    for await (const event of watch) {
      if (event.type === "delete") replayed.delete(event.key);
      else replayed.set(event.key, event.value);
      if (event.revision >= all.revision) watch.close();
    }
    expect(replayed).toEqual(new Map(all.items.map((o) => [o.key, o.value])));

    const next = await store.create("/after-crash", {});
    expect(next.modRevision).toBe(reopened + 1);
  } finally {
    await store.close();
  }

  // And once more across a clean restart.
  const again = await LevelStore.open(dir);
  try {
    const revision = await again.currentRevision();
    expect(revision).toBeGreaterThan(highest);
    expect((await again.create("/after-restart", {})).modRevision).toBe(revision + 1);
  } finally {
    await again.close();
  }
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiServer, startApiServer } from "@minik8s/apiserver";
import { Client } from "@minik8s/client";
import type { MachineInfo } from "../src/node/machine-info.js";

/** A fixed machine, so node status tests do not depend on where they run. */
export const MACHINE: MachineInfo = {
  cpuCores: 4,
  memoryBytes: 8 * 1024 * 1024 * 1024,
  hostname: "test-host",
  internalIP: "192.0.2.10",
  kernelVersion: "6.1.0-test",
  osImage: "Debian GNU/Linux 12 (bookworm)",
  architecture: "amd64",
  machineID: "m-1",
  bootID: "b-1",
};

export interface TestCluster {
  apiserver: ApiServer;
  client: Client;
  dir: string;
  close(): Promise<void>;
}

/** A real apiserver in this process, on a fresh data folder. */
export async function startCluster(): Promise<TestCluster> {
  const dir = await mkdtemp(join(tmpdir(), "kubelet-it-"));
  const apiserver = await startApiServer({ dataDir: join(dir, "store"), port: 0, logger: false });
  const client = new Client({ server: apiserver.url });
  return {
    apiserver,
    client,
    dir,
    async close() {
      client.close();
      await apiserver.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `cond` until true; bounded, so a broken expectation fails instead of hanging. */
export async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  tries = 500,
): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for: ${what}`);
}

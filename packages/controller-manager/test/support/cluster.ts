import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiServer, startApiServer } from "@minik8s/apiserver";
import { Client, type Logger } from "@minik8s/client";
import { ControllerManager, type ControllerManagerOptions } from "../../src/index.js";
import { FakeKubelet, type FakeKubeletOptions } from "./fake-kubelet.js";

/** Logs to stderr when MINIK8S_TEST_LOG is set: the decisions behind a failing test. */
const testLogger: Logger | undefined = process.env.MINIK8S_TEST_LOG
  ? {
      debug: () => {},
      info: (f, m) => process.stderr.write(`${m} ${JSON.stringify(f)}\n`),
      warn: (f, m) => process.stderr.write(`WARN ${m} ${JSON.stringify(f)}\n`),
      error: (f, m) => process.stderr.write(`ERROR ${m} ${JSON.stringify(f)}\n`),
    }
  : undefined;

/**
 * An apiserver, a fake kubelet and a controller-manager in this process: everything a
 * controller needs, nothing that needs Docker. `restartManager` kills the controller-manager
 * and starts a fresh one, as a crash and a restart would.
 */
export class TestCluster {
  manager: ControllerManager;

  private constructor(
    readonly server: ApiServer,
    readonly client: Client,
    readonly kubelet: FakeKubelet,
    private readonly dataDir: string,
    private readonly managerOptions: Partial<ControllerManagerOptions>,
  ) {
    this.manager = this.newManager();
  }

  static async start(
    opts: { kubelet?: FakeKubeletOptions; manager?: Partial<ControllerManagerOptions> } = {},
  ): Promise<TestCluster> {
    const dataDir = await mkdtemp(join(tmpdir(), "minik8s-cm-"));
    const server = await startApiServer({ dataDir, port: 0, logger: false });
    const client = new Client({ server: server.url });
    const kubelet = new FakeKubelet(client, opts.kubelet);
    await kubelet.start();
    const cluster = new TestCluster(server, client, kubelet, dataDir, opts.manager ?? {});
    cluster.manager.start();
    return cluster;
  }

  async stopManager(): Promise<void> {
    await this.manager.stop();
  }

  async restartManager(): Promise<void> {
    await this.manager.stop();
    this.manager = this.newManager();
    this.manager.start();
  }

  async stop(): Promise<void> {
    await this.manager.stop();
    await this.kubelet.stop();
    this.client.close();
    await this.server.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private newManager(): ControllerManager {
    return new ControllerManager({
      client: this.client,
      workers: 2,
      ...(testLogger ? { logger: testLogger } : {}),
      ...this.managerOptions,
    });
  }
}

/**
 * Polls `probe` until it returns something other than undefined/false; fails with `what` and
 * the last value seen (`describe`) after `timeoutMs`.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; describe?: () => unknown } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = opts.describe ? await opts.describe() : last;
      throw new Error(
        `timed out waiting for ${what}; last seen: ${JSON.stringify(detail, null, 1)?.slice(0, 2000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

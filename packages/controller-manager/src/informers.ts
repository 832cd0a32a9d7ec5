import type { KindInfo } from "@minik8s/api/registry";
import { type Client, Informer, type KubeObject, type Logger, silentLogger } from "@minik8s/client";

/**
 * One informer per kind, shared by every controller that asks for it (client-go's
 * SharedInformerFactory, in small): the garbage collector and the ReplicaSet controller both
 * read pods, but the process keeps one watch and one cache of them.
 */
export class SharedInformers {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private started = false;

  constructor(
    private readonly client: Client,
    private readonly log: Logger = silentLogger,
  ) {}

  /** The informer of a kind; created on first ask, started by `start()` (or at once if running). */
  for<T extends KubeObject>(kind: KindInfo): Informer<T> {
    const id = `${kind.group}/${kind.version}/${kind.plural}`;
    let informer = this.informers.get(id);
    if (!informer) {
      informer = new Informer<KubeObject>(this.client, { resource: kind, logger: this.log });
      this.informers.set(id, informer);
      if (this.started) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  /** True once every informer has its first list (false if `signal` aborted first). */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    // One abort listener for all of them (an informer per kind is more than a signal's default 10).
    let onAbort = () => {};
    const aborted = new Promise<boolean>((resolve) => {
      onAbort = () => resolve(false);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    const synced = Promise.all([...this.informers.values()].map((i) => i.waitForSync())).then((r) =>
      r.every(Boolean),
    );
    try {
      return await Promise.race([synced, aborted]);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}

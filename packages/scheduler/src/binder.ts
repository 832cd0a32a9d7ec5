import type { Pod } from "@minik8s/api";
import type { Client } from "@minik8s/client";

export type BindResult = { ok: true } | { ok: false; error: Error };

/**
 * The binding cycle's last step (kube-scheduler's DefaultBinder): POST a Binding so the apiserver
 * sets spec.nodeName. Bindings run concurrently with the scheduling of the next pods, at most
 * `concurrency` at a time: `acquire()` waits for a free slot, which throttles the scheduling loop
 * instead of letting assumed-but-unbound pods pile up when the apiserver is slow.
 */
export class Binder {
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly client: Client,
    readonly concurrency: number,
  ) {}

  get running(): number {
    return this.inFlight;
  }

  /** Resolves once a slot is free (and takes it); `bind` gives it back. */
  acquire(): Promise<void> {
    if (this.inFlight < this.concurrency) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Binds the pod to the node; the error is a value (a 409 when someone bound it first). */
  async bind(pod: Pod, nodeName: string): Promise<BindResult> {
    try {
      const namespace = pod.metadata?.namespace ?? "default";
      const name = pod.metadata?.name ?? "";
      // As kube-scheduler, the pod's uid goes along: a pod deleted and re-created under the same
      // name in the meantime is not bound by mistake (the apiserver answers 409).
      await this.client.request({
        method: "POST",
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/binding`,
        body: {
          apiVersion: "v1",
          kind: "Binding",
          metadata: { name, namespace, uid: pod.metadata?.uid },
          target: { apiVersion: "v1", kind: "Node", name: nodeName },
        },
      });
      return { ok: true };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
    } finally {
      this.release();
    }
  }

  /** Gives a slot back without binding (the pod was dropped before its binding started). */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.inFlight--;
  }
}

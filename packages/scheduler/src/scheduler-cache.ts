import type { Node, Pod } from "@minik8s/api";
import { type Clock, type Logger, objectKey, realClock, silentLogger } from "@minik8s/client";
import { ImageStates } from "./framework/image-states.js";
import { addPod, newNodeInfo, removePod, setNode } from "./framework/node-info.js";
import type { NodeInfo, Snapshot } from "./framework/types.js";

interface PodState {
  pod: Pod;
  /** Placed by this scheduler and not yet seen bound by the informer. */
  assumed: boolean;
  /** The assumed pod's binding returned; from then on it expires at `deadline` unless confirmed. */
  deadline?: number;
}

export interface SchedulerCacheOptions {
  clock?: Clock;
  logger?: Logger;
  /** How long an assumed pod whose binding returned waits to be seen bound. Default 30 s. */
  assumedPodTtlMs?: number;
  /** How often expired assumptions are swept. Default 1 s. */
  cleanupPeriodMs?: number;
}

/**
 * kube-scheduler's cache: every node and the pods on it, from the node and pod informers, plus
 * the pods this scheduler has *assumed* onto a node and not yet seen bound. Assuming is what lets
 * the next pod be placed a microsecond later without over-committing the node the previous one
 * went to, long before the binding reaches the apiserver and comes back through the watch.
 *
 * The life of an assumption: `assumePod` (scheduling cycle) → `finishBinding` (binding returned)
 * → `addPod` from the informer confirms it; `forgetPod` undoes it when the binding fails; and one
 * that is never confirmed expires `assumedPodTtlMs` after its binding returned.
 *
 * Where it differs: kube-scheduler copies the cache into a snapshot at the start of every cycle,
 * because its informers run on other goroutines. Here the scheduling cycle runs in one turn of
 * the event loop, so nothing can change the cache during it: `snapshot()` is a read-only view.
 */
export class SchedulerCache {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly ttlMs: number;
  private readonly cleanupPeriodMs: number;
  private readonly nodes = new Map<string, NodeInfo>();
  /** Pods by uid, and which node each counts against (nodes not seen yet included). */
  private readonly pods = new Map<string, PodState>();
  /** Pods bound to a node the cache has not seen (yet): added to its NodeInfo when it appears. */
  private readonly orphans = new Map<string, Map<string, Pod>>();
  private readonly assumed = new Set<string>();
  private readonly images = new ImageStates();
  private nodeList: NodeInfo[] | undefined;
  private cancelCleanup: (() => void) | undefined;

  constructor(opts: SchedulerCacheOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? silentLogger;
    this.ttlMs = opts.assumedPodTtlMs ?? 30_000;
    this.cleanupPeriodMs = opts.cleanupPeriodMs ?? 1_000;
  }

  /** Starts sweeping expired assumptions every `cleanupPeriodMs`. */
  start(): void {
    if (this.cancelCleanup) return;
    const tick = () => {
      this.cleanupExpired();
      this.cancelCleanup = this.clock.setTimer(tick, this.cleanupPeriodMs);
    };
    this.cancelCleanup = this.clock.setTimer(tick, this.cleanupPeriodMs);
  }

  stop(): void {
    this.cancelCleanup?.();
    this.cancelCleanup = undefined;
  }

  // ---- nodes ----------------------------------------------------------------------------------

  addNode(node: Node): void {
    const name = node.metadata?.name ?? "";
    const known = this.nodes.get(name);
    if (known) {
      this.updateNode(known.node, node);
      return;
    }
    const pods = [...(this.orphans.get(name)?.values() ?? [])];
    this.orphans.delete(name);
    this.nodes.set(name, newNodeInfo(node, pods));
    this.images.addNode(node);
    this.nodeList = undefined;
  }

  updateNode(_old: Node, node: Node): void {
    const name = node.metadata?.name ?? "";
    const known = this.nodes.get(name);
    if (!known) {
      this.addNode(node);
      return;
    }
    // Allocatable, labels, taints or images may have changed; the pods stay.
    this.images.removeNode(known.node);
    this.images.addNode(node);
    setNode(known, node);
  }

  /** The node is gone; its pods (if any are left) wait, as orphans, in case it comes back. */
  removeNode(node: Node): void {
    const name = node.metadata?.name ?? "";
    const known = this.nodes.get(name);
    if (!known) return;
    this.nodes.delete(name);
    this.images.removeNode(known.node);
    this.nodeList = undefined;
    if (known.pods.length > 0) this.orphans.set(name, new Map(known.pods.map((p) => [uidOf(p), p])));
  }

  // ---- pods -----------------------------------------------------------------------------------

  /**
   * Counts `pod` (with spec.nodeName set to the chosen node) against that node before it is
   * bound. Fails if the cache already has the pod.
   */
  assumePod(pod: Pod): Error | undefined {
    const uid = uidOf(pod);
    if (this.pods.has(uid))
      return new Error(`pod ${objectKey(pod)} is in the cache already; cannot assume it`);
    if (!pod.spec.nodeName) return new Error(`pod ${objectKey(pod)} has no nodeName to assume`);
    this.place(pod);
    this.pods.set(uid, { pod, assumed: true });
    this.assumed.add(uid);
    return undefined;
  }

  /** The binding returned: the assumption now expires unless the informer confirms it in time. */
  finishBinding(pod: Pod): void {
    const state = this.pods.get(uidOf(pod));
    if (state?.assumed) state.deadline = this.clock.now() + this.ttlMs;
  }

  /** The binding failed: undo the assumption. */
  forgetPod(pod: Pod): void {
    const uid = uidOf(pod);
    const state = this.pods.get(uid);
    if (!state?.assumed) return;
    this.unplace(state.pod);
    this.pods.delete(uid);
    this.assumed.delete(uid);
  }

  /** A bound pod from the informer: confirms an assumption, or adds a pod someone else placed. */
  addPod(pod: Pod): void {
    const uid = uidOf(pod);
    const state = this.pods.get(uid);
    if (state) {
      // Confirmed (or a replay): count the pod as the apiserver has it, on the node it has.
      this.unplace(state.pod);
      if (state.assumed && state.pod.spec.nodeName !== pod.spec.nodeName) {
        this.log.warn(
          { pod: objectKey(pod), assumed: state.pod.spec.nodeName, bound: pod.spec.nodeName },
          "pod was bound to another node than assumed",
        );
      }
    }
    this.place(pod);
    this.pods.set(uid, { pod, assumed: false });
    this.assumed.delete(uid);
  }

  updatePod(_old: Pod, pod: Pod): void {
    this.addPod(pod);
  }

  /** A bound pod deleted (or finished): its resources are free again. */
  removePod(pod: Pod): void {
    const uid = uidOf(pod);
    const state = this.pods.get(uid);
    if (!state) return;
    this.unplace(state.pod);
    this.pods.delete(uid);
    this.assumed.delete(uid);
  }

  isAssumed(pod: Pod): boolean {
    return this.assumed.has(uidOf(pod));
  }

  /** The node the cache counts this pod against (assumed or bound), if any. */
  nodeOf(pod: Pod): string | undefined {
    return this.pods.get(uidOf(pod))?.pod.spec.nodeName;
  }

  /** Drops assumptions whose binding returned more than the TTL ago and never showed up bound. */
  cleanupExpired(): void {
    const now = this.clock.now();
    for (const uid of [...this.assumed]) {
      const state = this.pods.get(uid);
      if (!state || state.deadline === undefined || state.deadline > now) continue;
      this.log.warn(
        { pod: objectKey(state.pod), node: state.pod.spec.nodeName },
        "assumed pod never showed up bound; forgetting it",
      );
      this.unplace(state.pod);
      this.pods.delete(uid);
      this.assumed.delete(uid);
    }
  }

  // ---- reading --------------------------------------------------------------------------------

  get nodeCount(): number {
    return this.nodes.size;
  }

  get assumedCount(): number {
    return this.assumed.size;
  }

  getNodeInfo(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  /** A read-only view for one scheduling cycle (see the class comment). */
  snapshot(): Snapshot {
    return {
      nodes: () => {
        this.nodeList ??= [...this.nodes.values()];
        return this.nodeList;
      },
      get: (name) => this.nodes.get(name),
      imageState: (name) => this.images.get(name),
    };
  }

  private place(pod: Pod): void {
    const name = pod.spec.nodeName ?? "";
    const info = this.nodes.get(name);
    if (info) {
      addPod(info, pod);
      return;
    }
    const waiting = this.orphans.get(name) ?? new Map<string, Pod>();
    waiting.set(uidOf(pod), pod);
    this.orphans.set(name, waiting);
  }

  private unplace(pod: Pod): void {
    const name = pod.spec.nodeName ?? "";
    const info = this.nodes.get(name);
    if (info) {
      removePod(info, pod);
      return;
    }
    const waiting = this.orphans.get(name);
    waiting?.delete(uidOf(pod));
    if (waiting?.size === 0) this.orphans.delete(name);
  }
}

function uidOf(pod: Pod): string {
  return pod.metadata?.uid || objectKey(pod);
}

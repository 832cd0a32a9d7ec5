import type { KindInfo } from "@minik8s/api/registry";
import type { ObjectMeta } from "@minik8s/api/schemas/meta";

export interface GraphNode {
  kind: KindInfo;
  obj: { apiVersion?: string; kind?: string; metadata: ObjectMeta };
}

/**
 * The garbage collector's view of the cluster: every object by uid, and for every uid the
 * objects whose ownerReferences name it (whether or not that owner exists: a dangling owner is
 * exactly what the collector looks for). Kubernetes' GraphBuilder, minus its virtual nodes.
 */
export class OwnerGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();

  /** Adds or updates an object; returns the previous version. */
  upsert(node: GraphNode): GraphNode | undefined {
    const uid = node.obj.metadata.uid;
    if (!uid) return undefined;
    const old = this.nodes.get(uid);
    if (old) this.unlink(uid, old);
    this.nodes.set(uid, node);
    for (const ref of node.obj.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(ref.uid);
      if (!set) {
        set = new Set();
        this.dependents.set(ref.uid, set);
      }
      set.add(uid);
    }
    return old;
  }

  remove(uid: string): GraphNode | undefined {
    const old = this.nodes.get(uid);
    if (!old) return undefined;
    this.unlink(uid, old);
    this.nodes.delete(uid);
    return old;
  }

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** The objects naming `uid` among their owners. */
  dependentsOf(uid: string): GraphNode[] {
    return [...(this.dependents.get(uid) ?? [])].flatMap((d) => this.nodes.get(d) ?? []);
  }

  get size(): number {
    return this.nodes.size;
  }

  private unlink(uid: string, node: GraphNode): void {
    for (const ref of node.obj.metadata.ownerReferences ?? []) {
      const set = this.dependents.get(ref.uid);
      set?.delete(uid);
      if (set?.size === 0) this.dependents.delete(ref.uid);
    }
  }
}

import type { Node } from "@minik8s/api";

/** Kubernetes' ImageStateSummary: an image's size, and on how many of the cluster's nodes it is. */
export interface ImageState {
  size: number;
  numNodes: number;
}

/**
 * The images the cluster's nodes hold, kept as nodes come, change and go: kube-scheduler's cache
 * keeps the same table (imageStates). ImageLocality scales an image's size by the share of nodes
 * that have it; asking here costs one lookup per image of the pod, where asking every node would
 * cost one per node.
 *
 * As Kubernetes, an image's size is the one reported by the first node that listed it.
 */
export class ImageStates {
  private readonly byName = new Map<string, { size: number; nodes: Set<string> }>();

  get(name: string): ImageState | undefined {
    const state = this.byName.get(name);
    return state && { size: state.size, numNodes: state.nodes.size };
  }

  addNode(node: Node): void {
    const nodeName = node.metadata?.name ?? "";
    for (const image of node.status?.images ?? []) {
      for (const name of image.names ?? []) {
        const state = this.byName.get(name);
        if (state) state.nodes.add(nodeName);
        else this.byName.set(name, { size: image.sizeBytes ?? 0, nodes: new Set([nodeName]) });
      }
    }
  }

  removeNode(node: Node): void {
    const nodeName = node.metadata?.name ?? "";
    for (const image of node.status?.images ?? []) {
      for (const name of image.names ?? []) {
        const state = this.byName.get(name);
        if (!state) continue;
        state.nodes.delete(nodeName);
        if (state.nodes.size === 0) this.byName.delete(name);
      }
    }
  }
}

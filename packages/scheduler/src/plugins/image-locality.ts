import type { Pod } from "@minik8s/api";
import { MAX_NODE_SCORE, type NodeInfo, type Plugin, success } from "../framework/types.js";

/**
 * ImageLocality prefers nodes that already have the pod's images, by their size, so pulls are
 * avoided. An image's size counts in proportion to how many nodes hold it (an image on every node
 * says nothing about this one); the sum is clamped to 23 MiB..1000 MiB per container and scaled.
 */
export const IMAGE_LOCALITY = "ImageLocality";
const PRE_SCORE_KEY = "PreScoreImageLocality";

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** "nginx" and "nginx:latest" are the same image; a digest or tag is kept as written. */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(":") <= name.lastIndexOf("/") ? `${name}:latest` : name;
}

/** image name → size and how many nodes have it, over the whole cluster. */
type ImageStates = Map<string, { size: number; numNodes: number }>;

function imageStates(nodes: readonly NodeInfo[]): ImageStates {
  const out: ImageStates = new Map();
  for (const info of nodes) {
    const seen = new Set<string>();
    for (const img of info.node.status?.images ?? []) {
      for (const name of img.names ?? []) {
        if (seen.has(name)) continue;
        seen.add(name);
        const st = out.get(name) ?? { size: img.sizeBytes ?? 0, numNodes: 0 };
        st.numNodes++;
        out.set(name, st);
      }
    }
  }
  return out;
}

const podImages = (pod: Pod): string[] =>
  [...(pod.spec.initContainers ?? []), ...pod.spec.containers].flatMap((c) => (c.image ? [c.image] : []));

export function imageLocality(): Plugin {
  return {
    name: IMAGE_LOCALITY,
    preScore(state, _pod, _nodes, snapshot) {
      const all = snapshot.nodes();
      state.set(PRE_SCORE_KEY, { states: imageStates(all), total: all.length });
      return success();
    },
    score(state, pod, node) {
      const s = state.get(PRE_SCORE_KEY) as { states: ImageStates; total: number } | undefined;
      if (!s || s.total === 0) return 0;
      let sum = 0;
      const containers = (pod.spec.initContainers ?? []).length + pod.spec.containers.length;
      for (const image of podImages(pod)) {
        const name = normalizedImageName(image);
        const st = s.states.get(name);
        if (!st || !node.images.has(name)) continue;
        sum += Math.trunc(st.size * (st.numNodes / s.total));
      }
      const max = MAX_CONTAINER_THRESHOLD * containers;
      const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), max);
      return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
    },
  };
}

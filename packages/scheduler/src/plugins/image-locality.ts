import type { Pod } from "@minik8s/api";
import { MAX_NODE_SCORE, type Plugin, type Snapshot, success } from "../framework/types.js";

/**
 * ImageLocality prefers nodes that already have the pod's images, by their size, so pulls are
 * avoided. An image's size counts in proportion to how many nodes hold it (an image on every node
 * says nothing about this one); the sum is clamped to 23 MiB..1000 MiB per container and scaled.
 *
 * As kube-scheduler, the per-image work happens once per pod in PreScore (the pod's images,
 * normalized, each with its spread-scaled size, from the snapshot's table of the cluster's
 * images); Score then only looks the images up on the node.
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

interface PreScoreState {
  /** The pod's images present on some node (repeats kept: each container counts). */
  names: string[];
  /** Per entry of `names`: its size scaled by the share of nodes that have it. */
  scaled: number[];
  /** The score's upper clamp: 1000 MiB per container. */
  max: number;
}

const podImages = (pod: Pod): string[] =>
  [...(pod.spec.initContainers ?? []), ...pod.spec.containers].flatMap((c) => (c.image ? [c.image] : []));

function preScoreState(pod: Pod, snapshot: Snapshot): PreScoreState {
  const totalNodes = snapshot.nodes().length;
  const containers = (pod.spec.initContainers ?? []).length + pod.spec.containers.length;
  const s: PreScoreState = { names: [], scaled: [], max: MAX_CONTAINER_THRESHOLD * containers };
  for (const image of podImages(pod)) {
    const name = normalizedImageName(image);
    const state = snapshot.imageState(name);
    if (!state) continue;
    s.names.push(name);
    s.scaled.push(Math.trunc(state.size * (state.numNodes / totalNodes)));
  }
  return s;
}

export function imageLocality(): Plugin {
  return {
    name: IMAGE_LOCALITY,
    preScore(state, pod, _nodes, snapshot) {
      state.set(PRE_SCORE_KEY, snapshot.nodes().length === 0 ? undefined : preScoreState(pod, snapshot));
      return success();
    },
    score(state, _pod, node) {
      const s = state.get(PRE_SCORE_KEY) as PreScoreState | undefined;
      // No image of the pod on any node: every node scores the minimum, 0.
      if (!s || s.names.length === 0) return 0;
      let sum = 0;
      for (let i = 0; i < s.names.length; i++) if (node.images.has(s.names[i]!)) sum += s.scaled[i]!;
      const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), s.max);
      return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (s.max - MIN_THRESHOLD));
    },
  };
}

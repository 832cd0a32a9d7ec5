import { ImageStates } from "./image-states.js";
import type { NodeInfo, Snapshot } from "./types.js";

/** A Snapshot over a fixed list of NodeInfos, in the given order (the order nodes are evaluated in). */
export function snapshotOf(infos: readonly NodeInfo[]): Snapshot {
  const byName = new Map(infos.map((i) => [i.node.metadata.name ?? "", i]));
  const list = [...infos];
  const images = new ImageStates();
  for (const info of infos) images.addNode(info.node);
  return {
    nodes: () => list,
    get: (name) => byName.get(name),
    imageState: (name) => images.get(name),
  };
}

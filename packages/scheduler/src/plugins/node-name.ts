import { type Plugin, success, unresolvable } from "../framework/types.js";

/** NodeName: a pod that names its node (spec.nodeName) fits only that node. */
export const NODE_NAME = "NodeName";
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export function nodeNamePlugin(): Plugin {
  return {
    name: NODE_NAME,
    filter(_state, pod, node) {
      const wanted = pod.spec.nodeName;
      if (!wanted || wanted === node.node.metadata.name) return success();
      return unresolvable(ERR_REASON_NODE_NAME);
    },
  };
}

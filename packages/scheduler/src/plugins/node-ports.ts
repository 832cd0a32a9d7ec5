import { type HostPort, parsePortKey, podHostPorts } from "../framework/node-info.js";
import { type Plugin, skip, success, unschedulable } from "../framework/types.js";

/**
 * NodePorts: a pod's hostPorts must be free on the node. 0.0.0.0 conflicts with every address on
 * the same protocol and port, a specific address with itself and with 0.0.0.0.
 */
export const NODE_PORTS = "NodePorts";
export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
const PRE_FILTER_KEY = "PreFilterNodePorts";

const ANY = "0.0.0.0";

export function portsConflict(a: HostPort, b: HostPort): boolean {
  if (a.protocol !== b.protocol || a.port !== b.port) return false;
  return a.ip === b.ip || a.ip === ANY || b.ip === ANY;
}

export function nodePorts(): Plugin {
  return {
    name: NODE_PORTS,
    preFilter(state, pod) {
      const wanted = podHostPorts(pod);
      if (wanted.length === 0) return skip();
      state.set(PRE_FILTER_KEY, wanted);
      return success();
    },
    filter(state, pod, node) {
      if (node.usedPorts.size === 0) return success(); // nothing in use: nothing to conflict with
      const wanted = (state.get(PRE_FILTER_KEY) as HostPort[] | undefined) ?? podHostPorts(pod);
      for (const key of node.usedPorts) {
        const used = parsePortKey(key);
        if (wanted.some((w) => portsConflict(w, used))) return unschedulable(ERR_REASON_NODE_PORTS);
      }
      return success();
    },
  };
}

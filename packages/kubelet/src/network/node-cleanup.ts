import { type ContainerRuntime, LABELS } from "../runtime/container-runtime.js";
import type { PodNetworkDriver } from "./docker-pod-network.js";

/**
 * Takes a node off this machine (`minik8s kubelet --cleanup`): removes every container and
 * sandbox labelled with the node's name, then its pod network, and the host's rules once no
 * node network of the cluster is left. The value is the first failure, if any.
 */
export async function cleanUpNode(
  runtime: ContainerRuntime,
  nodeName: string,
  network: PodNetworkDriver | undefined,
): Promise<Error | undefined> {
  const containers = await runtime.list({ [LABELS.node]: nodeName });
  // App containers first: a sandbox goes last, as the network namespace they share is its.
  const ordered = [...containers].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "sandbox" ? 1 : -1));
  for (const c of ordered) await runtime.remove(c.id);
  return network?.remove(nodeName);
}

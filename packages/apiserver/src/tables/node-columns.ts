import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, column, NAME_COLUMN } from "./columns.js";
import { arr, creationOf, nameOf, obj, specOf, statusOf, str, stringMap } from "./fields.js";
import type { Printer } from "./table.js";

/** `kubectl get nodes`: NAME STATUS ROLES AGE VERSION, wide INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME. */
export const nodePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column("Status", "string", "The status of the node"),
    column("Roles", "string", "The roles of the node"),
    AGE_COLUMN,
    column("Version", "string", "Kubelet Version reported by the node."),
    column("Internal-IP", "string", "List of addresses reachable to the node.", { wide: true }),
    column("External-IP", "string", "List of addresses reachable to the node.", { wide: true }),
    column("OS-Image", "string", "OS Image reported by the node.", { wide: true }),
    column("Kernel-Version", "string", "Kernel Version reported by the node.", { wide: true }),
    column("Container-Runtime", "string", "ContainerRuntime Version reported by the node.", { wide: true }),
  ],
  row(node: ApiObject, now: Date) {
    const status = statusOf(node);
    const info = obj(status.nodeInfo);
    const addresses = arr(status.addresses);
    const address = (type: string) => str(addresses.find((a) => str(a.type) === type)?.address) || "<none>";
    return {
      cells: [
        nameOf(node),
        nodeStatus(node),
        nodeRoles(stringMap(node.metadata?.labels)).join(",") || "<none>",
        translateTimestampSince(creationOf(node), now),
        str(info.kubeletVersion),
        address("InternalIP"),
        address("ExternalIP"),
        str(info.osImage) || "<unknown>",
        str(info.kernelVersion) || "<unknown>",
        str(info.containerRuntimeVersion) || "<unknown>",
      ],
    };
  },
};

/** "Ready", "NotReady" or "Unknown" from the Ready condition, plus ",SchedulingDisabled" when cordoned. */
function nodeStatus(node: ApiObject): string {
  const ready = arr(statusOf(node).conditions).findLast((c) => str(c.type) === "Ready");
  const parts = [ready === undefined ? "Unknown" : str(ready.status) === "True" ? "Ready" : "NotReady"];
  if (specOf(node).unschedulable === true) parts.push("SchedulingDisabled");
  return parts.join(",");
}

/** Roles come from `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` label value. */
function nodeRoles(labels: Record<string, string>): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels)) {
    if (key.startsWith("node-role.kubernetes.io/")) {
      const role = key.slice("node-role.kubernetes.io/".length);
      if (role) roles.add(role);
    } else if (key === "kubernetes.io/role" && value) {
      roles.add(value);
    }
  }
  return [...roles].sort();
}

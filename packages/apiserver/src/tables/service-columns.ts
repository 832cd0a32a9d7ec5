import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, column, NAME_COLUMN } from "./columns.js";
import {
  arr,
  creationOf,
  type Json,
  nameOf,
  num,
  obj,
  specOf,
  statusOf,
  str,
  stringMap,
  strings,
} from "./fields.js";
import { formatLabels } from "./format.js";
import type { Printer } from "./table.js";

/** `kubectl get services`: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, wide SELECTOR. */
export const servicePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column("Type", "string", "type determines how the Service is exposed."),
    column("Cluster-IP", "string", "clusterIP is the IP address of the service, usually assigned randomly."),
    column(
      "External-IP",
      "string",
      "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.",
    ),
    column("Port(s)", "string", "The list of ports that are exposed by this service."),
    AGE_COLUMN,
    column(
      "Selector",
      "string",
      "Route service traffic to pods with label keys and values matching this selector.",
      {
        wide: true,
      },
    ),
  ],
  row(svc: ApiObject, now: Date) {
    const spec = specOf(svc);
    const clusterIPs = strings(spec.clusterIPs);
    const ports = arr(spec.ports).map(
      (p) => `${num(p.port)}${num(p.nodePort) > 0 ? `:${num(p.nodePort)}` : ""}/${str(p.protocol) || "TCP"}`,
    );
    return {
      cells: [
        nameOf(svc),
        str(spec.type),
        clusterIPs[0] || str(spec.clusterIP) || "<none>",
        externalIP(svc, spec),
        ports.join(",") || "<none>",
        translateTimestampSince(creationOf(svc), now),
        formatLabels(stringMap(spec.selector)),
      ],
    };
  },
};

/** What kubectl shows as EXTERNAL-IP for each service type; a LoadBalancer without an address is "<pending>". */
function externalIP(svc: ApiObject, spec: Json): string {
  const externalIPs = strings(spec.externalIPs);
  switch (str(spec.type)) {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const ingress = arr(obj(obj(statusOf(svc).loadBalancer)).ingress);
      const lb = [...new Set(ingress.map((i) => str(i.ip) || str(i.hostname)).filter(Boolean))];
      const all = [...lb, ...externalIPs];
      return all.length > 0 ? all.join(",") : "<pending>";
    }
    case "ExternalName":
      return str(spec.externalName);
    default:
      return "<unknown>";
  }
}

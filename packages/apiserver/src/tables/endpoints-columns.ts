import type { ApiObject } from "../watch/watch-event.js";
import { translateTimestampSince } from "./age.js";
import { AGE_COLUMN, column, NAME_COLUMN } from "./columns.js";
import { arr, creationOf, nameOf, num, str } from "./fields.js";
import type { Printer } from "./table.js";

/** `kubectl get endpoints`: NAME ENDPOINTS AGE, at most three `ip:port` then "+ N more...". */
export const endpointsPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column("Endpoints", "string", "The set of all endpoints is the union of all subsets."),
    AGE_COLUMN,
  ],
  row: (ep: ApiObject, now: Date) => ({
    cells: [nameOf(ep), formatEndpoints(ep), translateTimestampSince(creationOf(ep), now)],
  }),
};

const SHOWN = 3;

function formatEndpoints(ep: ApiObject): string {
  const subsets = arr(ep.subsets);
  if (subsets.length === 0) return "<none>";
  const list: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses = arr(subset.addresses).map((a) => str(a.ip));
    const ports = arr(subset.ports);
    // A headless service may have no ports: its endpoints are bare addresses.
    const entries =
      ports.length === 0
        ? addresses
        : ports.flatMap((p) => addresses.map((ip) => joinHostPort(ip, num(p.port))));
    count += entries.length;
    for (const entry of entries) if (list.length < SHOWN) list.push(entry);
  }
  const shown = list.join(",");
  return count > SHOWN ? `${shown} + ${count - SHOWN} more...` : shown;
}

function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

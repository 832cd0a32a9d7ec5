import { errors } from "@minik8s/api";

/**
 * Content negotiation on the Accept header. Kubernetes reads media-type parameters to pick a
 * representation: `application/json;as=Table;v=v1;g=meta.k8s.io` asks for server-side printing,
 * `application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io` for aggregated
 * discovery. We only ever answer JSON, so ranges we cannot serve (protobuf first, as rollout
 * history sends) are skipped, and the first one we can serve decides, like Kubernetes does.
 */

export interface MediaRange {
  type: string;
  subtype: string;
  /** Parameters other than `q`, names lower-cased. */
  params: Record<string, string>;
  q: number;
}

/** Parses an Accept header into media ranges, most preferred first (by q, then by position). */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  const ranges: MediaRange[] = [];
  for (const part of splitOutsideQuotes(header, ",")) {
    const [mediaType, ...rawParams] = splitOutsideQuotes(part, ";").map((s) => s.trim());
    if (!mediaType) continue;
    const slash = mediaType.indexOf("/");
    const type = (slash < 0 ? mediaType : mediaType.slice(0, slash)).toLowerCase();
    const subtype = (slash < 0 ? "*" : mediaType.slice(slash + 1)).toLowerCase();
    const params: Record<string, string> = {};
    let q = 1;
    for (const raw of rawParams) {
      const eq = raw.indexOf("=");
      if (eq < 0) continue;
      const name = raw.slice(0, eq).trim().toLowerCase();
      const value = unquote(raw.slice(eq + 1).trim());
      if (name === "q") {
        const n = Number(value);
        q = Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 1;
      } else {
        params[name] = value;
      }
    }
    if (q > 0) ranges.push({ type, subtype, params, q });
  }
  // Array.prototype.sort is stable: equal weights keep the client's order.
  return ranges.sort((a, b) => b.q - a.q);
}

/** True when the preferred representation we can serve is a meta.k8s.io Table (v1 or v1beta1). */
export function wantsTable(header: string | undefined): boolean {
  return preferredAs(header) === "Table";
}

/** True when the preferred representation we can serve is an apidiscovery.k8s.io/v2 APIGroupDiscoveryList. */
export function wantsAggregatedDiscovery(header: string | undefined): boolean {
  return preferredAs(header) === "APIGroupDiscoveryList";
}

export type IncludeObjectPolicy = "None" | "Metadata" | "Object";

const INCLUDE_OBJECT_POLICIES: readonly IncludeObjectPolicy[] = ["None", "Metadata", "Object"];

/**
 * The Table `includeObject` query parameter: what each row carries in `object`. Kubernetes
 * defaults to Metadata (a PartialObjectMetadata), which kubectl needs for `-A` and `--show-labels`,
 * and rejects other values with 400.
 */
export function includeObjectPolicy(query: URLSearchParams | Record<string, unknown>): IncludeObjectPolicy {
  const raw = query instanceof URLSearchParams ? query.get("includeObject") : query.includeObject;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null || value === "") return "Metadata";
  if (typeof value === "string" && (INCLUDE_OBJECT_POLICIES as readonly string[]).includes(value)) {
    return value as IncludeObjectPolicy;
  }
  throw errors.badRequest(
    `includeObject: Unsupported value: ${JSON.stringify(String(value))}: supported values: "None", "Metadata", "Object"`,
  );
}

type Representation = "Table" | "APIGroupDiscoveryList" | "json";

/** The `as=` of the first range we can answer, "json" for plain JSON, undefined when none fits. */
function preferredAs(header: string | undefined): Representation | undefined {
  const ranges = parseAccept(header);
  // No Accept header means anything, and plain JSON is what we send.
  if (ranges.length === 0) return "json";
  for (const range of ranges) {
    const representation = servable(range);
    if (representation) return representation;
  }
  return undefined;
}

function servable(range: MediaRange): Representation | undefined {
  const jsonCompatible =
    (range.type === "application" && (range.subtype === "json" || range.subtype === "*")) ||
    (range.type === "*" && range.subtype === "*");
  if (!jsonCompatible) return undefined;
  const { as, g, v } = range.params;
  if (as === undefined) return "json";
  if (as === "Table" && g === "meta.k8s.io" && (v === "v1" || v === "v1beta1")) return "Table";
  if (as === "APIGroupDiscoveryList" && g === "apidiscovery.k8s.io" && v === "v2")
    return "APIGroupDiscoveryList";
  // PartialObjectMetadata, older discovery versions, ...: not served, try the next range.
  return undefined;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

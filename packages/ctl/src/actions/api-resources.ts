import { allKinds, apiVersionOf } from "@minik8s/api/registry";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import { formatColumns } from "../printers/tabwriter.js";

interface ApiResource {
  name: string;
  shortNames: string[];
  apiVersion: string;
  group: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  categories: string[];
}

export interface ApiResourcesFlags {
  output?: string;
  namespaced?: string;
  apiGroup?: string;
  headers: boolean;
  sortBy?: string;
}

/** Discovery as kubectl reads it: /api/v1 and each preferred /apis/{group}/{version}. */
export async function discover(ctx: Ctx): Promise<ApiResource[]> {
  const out: ApiResource[] = [];
  const add = (groupVersion: string, list: { resources?: Record<string, unknown>[] }) => {
    const group = groupVersion.includes("/") ? groupVersion.split("/")[0]! : "";
    for (const r of list.resources ?? []) {
      const name = String(r.name);
      if (name.includes("/")) continue;
      out.push({
        name,
        shortNames: (r.shortNames as string[]) ?? [],
        apiVersion: groupVersion,
        group,
        namespaced: Boolean(r.namespaced),
        kind: String(r.kind),
        verbs: (r.verbs as string[]) ?? [],
        categories: (r.categories as string[]) ?? [],
      });
    }
  };
  const core = await ctx.cluster.request<{ versions?: string[] }>({ path: "/api" });
  for (const v of core.versions ?? ["v1"]) add(v, await ctx.cluster.request({ path: `/api/${v}` }));
  const groups = await ctx.cluster.request<{
    groups?: {
      name: string;
      preferredVersion?: { groupVersion: string };
      versions: { groupVersion: string }[];
    }[];
  }>({
    path: "/apis",
  });
  for (const g of groups.groups ?? []) {
    const gv = g.preferredVersion?.groupVersion ?? g.versions[0]?.groupVersion;
    if (gv) add(gv, await ctx.cluster.request({ path: `/apis/${gv}` }));
  }
  return out;
}

export async function runApiResources(ctx: Ctx, flags: ApiResourcesFlags): Promise<void> {
  let resources: ApiResource[];
  try {
    resources = await discover(ctx);
  } catch (err) {
    if (!(err instanceof Error) || err.name !== "StatusError") throw err;
    // A server without discovery documents: the registry this mkctl was built with.
    resources = allKinds().map((k) => ({
      name: k.plural,
      shortNames: [...k.shortNames],
      apiVersion: apiVersionOf(k),
      group: k.group,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: [...k.verbs],
      categories: [...k.categories],
    }));
  }
  if (flags.namespaced !== undefined)
    resources = resources.filter((r) => r.namespaced === (flags.namespaced !== "false"));
  if (flags.apiGroup !== undefined) resources = resources.filter((r) => r.group === flags.apiGroup);
  // kubectl lists groups in discovery order and resources by name within each.
  const order = [...new Set(resources.map((r) => r.group))];
  resources.sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group) || a.name.localeCompare(b.name));
  if (flags.sortBy === "name") resources.sort((a, b) => a.name.localeCompare(b.name));
  else if (flags.sortBy === "kind") resources.sort((a, b) => a.kind.localeCompare(b.kind));
  else if (flags.sortBy) throw new CliError(`--sort-by accepts only name or kind`);
  if (flags.output === "name") {
    ctx.out(resources.map((r) => `${r.group ? `${r.name}.${r.group}` : r.name}\n`).join(""));
    return;
  }
  const wide = flags.output === "wide";
  if (flags.output && !wide) throw new CliError(`--output ${flags.output} is not available`);
  const header = [
    "NAME",
    "SHORTNAMES",
    "APIVERSION",
    "NAMESPACED",
    "KIND",
    ...(wide ? ["VERBS", "CATEGORIES"] : []),
  ];
  const rows = resources.map((r) => [
    r.name,
    r.shortNames.join(","),
    r.apiVersion,
    String(r.namespaced),
    r.kind,
    ...(wide ? [`[${r.verbs.join(" ")}]`, r.categories.join(",")] : []),
  ]);
  ctx.out(formatColumns(flags.headers ? [header, ...rows] : rows));
}

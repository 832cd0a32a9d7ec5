import { parse as parseYaml } from "yaml";
import { z } from "zod";
import {
  Framework,
  type FrameworkOptions,
  type FrameworkProfile,
  type PluginSetRefs,
} from "./framework/framework.js";
import { EXTENSION_POINTS, type ExtensionPoint } from "./framework/types.js";
import { defaultRegistry, type Registry } from "./plugins/registry.js";

/**
 * The scheduler's configuration, in the shape of KubeSchedulerConfiguration
 * (kubescheduler.config.k8s.io/v1): global settings and profiles, each with a schedulerName, plugins
 * enabled and disabled per extension point (or all at once with multiPoint) and plugin args. As in
 * Kubernetes, a profile's plugins are merged into the default set: a plugin re-enabled with a new
 * weight keeps its place, `disabled: [{name: "*"}]` drops the defaults of that point. With no file
 * the scheduler runs the defaults below, which also carry our "gpu-binpack" profile.
 */

export const API_VERSION = "kubescheduler.config.k8s.io/v1";
export const DEFAULT_SCHEDULER_NAME = "default-scheduler";
export const GPU_BINPACK_SCHEDULER_NAME = "gpu-binpack";

/**
 * Kubernetes' default MultiPoint set and weights, less the plugins we do not have (volumes,
 * InterPodAffinity, DefaultPreemption).
 */
export const DEFAULT_PLUGINS: readonly { name: string; weight?: number }[] = [
  { name: "SchedulingGates" },
  { name: "PrioritySort" },
  { name: "NodeUnschedulable" },
  { name: "NodeName" },
  { name: "TaintToleration", weight: 3 },
  { name: "NodeAffinity", weight: 2 },
  { name: "NodePorts" },
  { name: "NodeResourcesFit", weight: 1 },
  { name: "PodTopologySpread", weight: 2 },
  { name: "NodeResourcesBalancedAllocation", weight: 1 },
  { name: "ImageLocality", weight: 1 },
  { name: "DefaultBinder" },
];

const PluginRefSchema = z.strictObject({
  name: z.string().min(1),
  weight: z.number().int().min(0).max(100).optional(),
});

const PluginSetSchema = z.strictObject({
  enabled: z.array(PluginRefSchema).optional(),
  disabled: z.array(z.strictObject({ name: z.string().min(1) })).optional(),
});

const PluginsSchema = z.strictObject(
  Object.fromEntries(
    [...EXTENSION_POINTS, "multiPoint"].map((p) => [p, PluginSetSchema.optional()]),
  ) as Record<ExtensionPoint | "multiPoint", z.ZodOptional<typeof PluginSetSchema>>,
);

const ProfileSchema = z.strictObject({
  schedulerName: z.string().min(1).default(DEFAULT_SCHEDULER_NAME),
  percentageOfNodesToScore: z.number().int().min(0).max(100).optional(),
  plugins: PluginsSchema.optional(),
  pluginConfig: z
    .array(z.strictObject({ name: z.string().min(1), args: z.record(z.string(), z.unknown()).optional() }))
    .optional(),
});
export type ProfileInput = z.input<typeof ProfileSchema>;

const LeaderElectionSchema = z.strictObject({
  leaderElect: z.boolean().default(true),
  leaseDuration: z.string().default("15s"),
  renewDeadline: z.string().default("10s"),
  retryPeriod: z.string().default("2s"),
  resourceLock: z.string().default("leases"),
  resourceName: z.string().default("kube-scheduler"),
  resourceNamespace: z.string().default("kube-system"),
});

export const SchedulerConfigSchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal("KubeSchedulerConfiguration"),
    parallelism: z.number().int().positive().default(16),
    percentageOfNodesToScore: z.number().int().min(0).max(100).default(0),
    podInitialBackoffSeconds: z.number().int().positive().default(1),
    podMaxBackoffSeconds: z.number().int().positive().default(10),
    leaderElection: LeaderElectionSchema.prefault({}),
    clientConnection: z
      .strictObject({
        kubeconfig: z.string().optional(),
        acceptContentTypes: z.string().optional(),
        contentType: z.string().optional(),
        qps: z.number().optional(),
        burst: z.number().int().optional(),
      })
      .optional(),
    healthzBindAddress: z.string().optional(),
    metricsBindAddress: z.string().optional(),
    enableProfiling: z.boolean().optional(),
    enableContentionProfiling: z.boolean().optional(),
    delayCacheUntilActive: z.boolean().optional(),
    extenders: z.array(z.unknown()).max(0, { message: "extenders are not supported" }).optional(),
    profiles: z.array(ProfileSchema).optional(),
  })
  .refine((c) => c.podMaxBackoffSeconds >= c.podInitialBackoffSeconds, {
    message: "must be greater than or equal to podInitialBackoffSeconds",
    path: ["podMaxBackoffSeconds"],
  });
export type SchedulerConfigInput = z.input<typeof SchedulerConfigSchema>;

export interface SchedulerConfig extends Omit<z.output<typeof SchedulerConfigSchema>, "profiles"> {
  /** Merged with the default plugins, ready for Framework.fromProfile. */
  profiles: FrameworkProfile[];
}

/** A configuration that does not parse; `issues` are "field: message" lines. */
export class SchedulerConfigError extends Error {
  override name = "SchedulerConfigError";
  constructor(readonly issues: string[]) {
    super(`invalid scheduler configuration:\n  ${issues.join("\n  ")}`);
  }
}

/** A zod path as a field reference: profiles[0].plugins.score.enabled[1].weight */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `${out ? "." : ""}${String(p)}`;
  return out || "(root)";
}

function zodIssues(err: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return err.issues.map((i) => `${fieldPath([...prefix, ...i.path])}: ${i.message}`);
}

/** Kubernetes' mergePluginSet: defaults in place (or replaced by the user's entry), then the user's others. */
function mergePluginSet(
  defaults: readonly { name: string; weight?: number }[],
  custom: PluginSetRefs = {},
): PluginSetRefs {
  const disabled = (custom.disabled ?? []) as string[];
  const enabledCustom = custom.enabled ?? [];
  const replaced = new Set<number>();
  const enabled: { name: string; weight?: number }[] = [];
  if (!disabled.includes("*")) {
    for (const d of defaults) {
      if (disabled.includes(d.name)) continue;
      const i = enabledCustom.findIndex((c) => c.name === d.name);
      if (i >= 0) replaced.add(i);
      enabled.push(i >= 0 ? enabledCustom[i]! : d);
    }
  }
  enabledCustom.forEach((c, i) => {
    if (!replaced.has(i)) enabled.push(c);
  });
  return { enabled, disabled };
}

function resolveProfile(
  p: z.output<typeof ProfileSchema>,
  index: number,
  registry: Registry,
  issues: string[],
): FrameworkProfile {
  const at = (...rest: PropertyKey[]) => fieldPath(["profiles", index, ...rest]);
  const plugins: FrameworkProfile["plugins"] = {};
  for (const point of [...EXTENSION_POINTS, "multiPoint"] as const) {
    const set = p.plugins?.[point];
    set?.enabled?.forEach((ref, i) => {
      if (!registry.has(ref.name))
        issues.push(`${at("plugins", point, "enabled", i, "name")}: plugin "${ref.name}" does not exist`);
    });
    const custom = set && { enabled: set.enabled, disabled: set.disabled?.map((d) => d.name) };
    plugins[point] = mergePluginSet(point === "multiPoint" ? DEFAULT_PLUGINS : [], custom);
  }
  const pluginConfig: Record<string, unknown> = {};
  for (const [i, pc] of (p.pluginConfig ?? []).entries()) {
    const reg = registry.get(pc.name);
    if (!reg) {
      issues.push(`${at("pluginConfig", i, "name")}: plugin "${pc.name}" does not exist`);
      continue;
    }
    if (Object.hasOwn(pluginConfig, pc.name)) {
      issues.push(`${at("pluginConfig", i, "name")}: repeated config for plugin "${pc.name}"`);
      continue;
    }
    pluginConfig[pc.name] = pc.args ?? {};
    if (!reg.argsSchema) {
      if (pc.args && Object.keys(pc.args).some((k) => k !== "apiVersion" && k !== "kind")) {
        issues.push(`${at("pluginConfig", i, "args")}: plugin "${pc.name}" takes no args`);
      }
      continue;
    }
    const parsed = reg.argsSchema.safeParse(pc.args ?? {});
    if (!parsed.success)
      issues.push(...zodIssues(parsed.error, ["profiles", index, "pluginConfig", i, "args"]));
  }
  return {
    schedulerName: p.schedulerName,
    percentageOfNodesToScore: p.percentageOfNodesToScore,
    plugins,
    pluginConfig,
  };
}

/** The built-in profile that bin-packs GPU pods and keeps CPU-only pods off GPU nodes (see GPUBinPacking). */
export const GPU_BINPACK_PROFILE: ProfileInput = {
  schedulerName: GPU_BINPACK_SCHEDULER_NAME,
  plugins: { multiPoint: { enabled: [{ name: "GPUBinPacking", weight: 10 }] } },
};

export interface LoadOptions {
  registry?: Registry;
}

/**
 * Parses a KubeSchedulerConfiguration from YAML/JSON text or an object, fills Kubernetes' defaults,
 * merges each profile with the default plugins and checks that every profile builds. Throws
 * SchedulerConfigError naming each bad field. Nothing given: defaultSchedulerConfig().
 */
export function loadSchedulerConfig(input?: string | object, opts: LoadOptions = {}): SchedulerConfig {
  if (input === undefined) return defaultSchedulerConfig();
  const registry = opts.registry ?? defaultRegistry;
  let raw: unknown = input;
  if (typeof input === "string") {
    try {
      raw = parseYaml(input);
    } catch (err) {
      throw new SchedulerConfigError([
        `(root): not YAML: ${err instanceof Error ? err.message : String(err)}`,
      ]);
    }
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new SchedulerConfigError(["(root): expected a KubeSchedulerConfiguration object"]);
  }
  const parsed = SchedulerConfigSchema.safeParse(raw);
  if (!parsed.success) throw new SchedulerConfigError(zodIssues(parsed.error));
  const { profiles: inputProfiles, ...rest } = parsed.data;
  const issues: string[] = [];
  const given = inputProfiles && inputProfiles.length > 0 ? inputProfiles : [ProfileSchema.parse({})];
  const seen = new Set<string>();
  const profiles = given.map((p, i) => {
    if (seen.has(p.schedulerName)) {
      issues.push(`profiles[${i}].schedulerName: duplicate profile with scheduler name "${p.schedulerName}"`);
    }
    seen.add(p.schedulerName);
    return resolveProfile(p, i, registry, issues);
  });
  if (issues.length === 0) {
    profiles.forEach((p, i) => {
      try {
        Framework.fromProfile(p, { registry });
      } catch (err) {
        issues.push(`profiles[${i}].plugins: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }
  if (issues.length > 0) throw new SchedulerConfigError(issues);
  return { ...rest, profiles };
}

/** What the scheduler runs without a file: Kubernetes' defaults plus the gpu-binpack profile. */
export function defaultSchedulerConfig(): SchedulerConfig {
  return loadSchedulerConfig({
    apiVersion: API_VERSION,
    kind: "KubeSchedulerConfiguration",
    profiles: [{ schedulerName: DEFAULT_SCHEDULER_NAME }, GPU_BINPACK_PROFILE],
  });
}

/** One Framework per profile, by schedulerName. */
export function profilesFromConfig(
  config: SchedulerConfig,
  opts: FrameworkOptions = {},
): Map<string, Framework> {
  return new Map(config.profiles.map((p) => [p.schedulerName, Framework.fromProfile(p, opts)]));
}

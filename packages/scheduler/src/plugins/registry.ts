import type { z } from "zod";
import type { Plugin } from "../framework/types.js";
import { GPU_BIN_PACKING, GPUBinPackingArgsSchema, gpuBinPacking } from "./gpu-bin-packing.js";
import { IMAGE_LOCALITY, imageLocality } from "./image-locality.js";
import {
  DEFAULT_BINDER,
  defaultBinder,
  PRIORITY_SORT,
  prioritySort,
  SCHEDULING_GATES,
  schedulingGates,
} from "./markers.js";
import { NODE_AFFINITY, NodeAffinityArgsSchema, nodeAffinity } from "./node-affinity.js";
import { NODE_NAME, nodeNamePlugin } from "./node-name.js";
import { NODE_PORTS, nodePorts } from "./node-ports.js";
import {
  BalancedAllocationArgsSchema,
  NODE_RESOURCES_BALANCED_ALLOCATION,
  nodeResourcesBalancedAllocation,
} from "./node-resources-balanced-allocation.js";
import { NODE_RESOURCES_FIT, NodeResourcesFitArgsSchema, nodeResourcesFit } from "./node-resources-fit.js";
import { NODE_UNSCHEDULABLE, nodeUnschedulable } from "./node-unschedulable.js";
import {
  POD_TOPOLOGY_SPREAD,
  PodTopologySpreadArgsSchema,
  podTopologySpread,
} from "./pod-topology-spread.js";
import { TAINT_TOLERATION, taintToleration } from "./taint-toleration.js";

/**
 * Plugin name → factory, as kube-scheduler's in-tree registry. A factory takes the plugin's args from
 * the profile's pluginConfig (undefined when none) and throws a ZodError when they are wrong; the
 * args schema is also exposed so the configuration can be checked before anything is built.
 */
export interface PluginRegistration {
  create(args: unknown): Plugin;
  /** Present for plugins that take args. */
  argsSchema?: z.ZodType;
}

export type Registry = ReadonlyMap<string, PluginRegistration>;

const plain = (create: () => Plugin): PluginRegistration => ({ create: () => create() });

export const defaultRegistry: Registry = new Map<string, PluginRegistration>([
  [PRIORITY_SORT, plain(prioritySort)],
  [SCHEDULING_GATES, plain(schedulingGates)],
  [DEFAULT_BINDER, plain(defaultBinder)],
  [NODE_UNSCHEDULABLE, plain(nodeUnschedulable)],
  [NODE_NAME, plain(nodeNamePlugin)],
  [TAINT_TOLERATION, plain(taintToleration)],
  [NODE_AFFINITY, { create: (a) => nodeAffinity(a ?? {}), argsSchema: NodeAffinityArgsSchema }],
  [NODE_PORTS, plain(nodePorts)],
  [NODE_RESOURCES_FIT, { create: (a) => nodeResourcesFit(a ?? {}), argsSchema: NodeResourcesFitArgsSchema }],
  [
    POD_TOPOLOGY_SPREAD,
    { create: (a) => podTopologySpread(a ?? {}), argsSchema: PodTopologySpreadArgsSchema },
  ],
  [
    NODE_RESOURCES_BALANCED_ALLOCATION,
    { create: (a) => nodeResourcesBalancedAllocation(a ?? {}), argsSchema: BalancedAllocationArgsSchema },
  ],
  [IMAGE_LOCALITY, plain(imageLocality)],
  [GPU_BIN_PACKING, { create: (a) => gpuBinPacking(a ?? {}), argsSchema: GPUBinPackingArgsSchema }],
]);

/** Builds one plugin by name; throws for a name the registry does not know. */
export function createPlugin(name: string, args?: unknown, registry: Registry = defaultRegistry): Plugin {
  const reg = registry.get(name);
  if (!reg) throw new Error(`plugin "${name}" does not exist`);
  return reg.create(args);
}

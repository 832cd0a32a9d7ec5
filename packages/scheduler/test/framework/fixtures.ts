import type {
  Affinity,
  Container,
  Node,
  Pod,
  Taint,
  Toleration,
  TopologySpreadConstraint,
} from "@minik8s/api";
import { Framework } from "../../src/framework/framework.js";
import { newNodeInfo } from "../../src/framework/node-info.js";
import { snapshotOf } from "../../src/framework/snapshot.js";
import type { NodeInfo, Plugin } from "../../src/framework/types.js";

export interface NodeOpts {
  cpu?: string;
  memory?: string;
  pods?: string;
  gpu?: string;
  allocatable?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
}

export function node(name: string, o: NodeOpts = {}): Node {
  const allocatable: Record<string, string> = {
    cpu: o.cpu ?? "4",
    memory: o.memory ?? "8Gi",
    pods: o.pods ?? "110",
    ...(o.gpu ? { "nvidia.com/gpu": o.gpu } : {}),
    ...o.allocatable,
  };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: o.labels },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable, capacity: allocatable, images: o.images },
  };
}

export interface PodOpts {
  namespace?: string;
  cpu?: string;
  memory?: string;
  gpu?: string;
  requests?: Record<string, string>;
  containers?: Container[];
  initContainers?: Container[];
  overhead?: Record<string, string>;
  nodeName?: string;
  labels?: Record<string, string>;
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  hostPorts?: { hostPort: number; protocol?: "TCP" | "UDP"; hostIP?: string }[];
  owner?: string;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  image?: string;
  schedulerName?: string;
}

let uid = 0;

export function pod(name: string, o: PodOpts = {}): Pod {
  const requests: Record<string, string> = {
    ...(o.cpu ? { cpu: o.cpu } : {}),
    ...(o.memory ? { memory: o.memory } : {}),
    ...(o.gpu ? { "nvidia.com/gpu": o.gpu } : {}),
    ...o.requests,
  };
  const main: Container = {
    name: "main",
    image: o.image ?? "busybox",
    resources: Object.keys(requests).length > 0 ? { requests } : undefined,
    ports: o.hostPorts?.map((p) => ({ containerPort: p.hostPort, ...p })),
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: o.namespace ?? "default",
      uid: `uid-${name}-${++uid}`,
      labels: o.labels,
      ownerReferences: o.owner
        ? [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: o.owner, uid: o.owner, controller: true }]
        : undefined,
    },
    spec: {
      containers: o.containers ?? [main],
      initContainers: o.initContainers,
      overhead: o.overhead,
      nodeName: o.nodeName,
      tolerations: o.tolerations,
      nodeSelector: o.nodeSelector,
      affinity: o.affinity,
      topologySpreadConstraints: o.topologySpreadConstraints,
      schedulerName: o.schedulerName,
    },
  };
}

export const info = (n: Node, pods: Pod[] = []): NodeInfo => newNodeInfo(n, pods);

export const snapshot = (...infos: NodeInfo[]) => snapshotOf(infos);

/** A framework running just these plugins at every point they implement, all weight 1 unless given. */
export function frameworkOf(plugins: Plugin[], weights: Record<string, number> = {}): Framework {
  const points = new Map([
    ["preFilter", plugins.filter((p) => p.preFilter)],
    ["filter", plugins.filter((p) => p.filter)],
    ["preScore", plugins.filter((p) => p.preScore)],
    ["score", plugins.filter((p) => p.score)],
    ["reserve", plugins.filter((p) => p.reserve)],
  ] as const);
  return new Framework("test", new Map(points), new Map(Object.entries(weights)), { random: () => 0 });
}

/** Runs one plugin's score over nodes with its preScore and normalize, as the framework does. */
export function scoresOf(plugin: Plugin, p: Pod, infos: NodeInfo[]): Record<string, number> {
  const fw = frameworkOf([plugin]);
  const scores = fw.scoreNodes(p, infos, snapshotOf(infos), new Map(), { breakdown: true });
  return Object.fromEntries(scores.map((s) => [s.node, s.perPlugin?.[plugin.name] ?? 0]));
}

/** Runs a plugin's preFilter and filter on one node. */
export function filterOf(plugin: Plugin, p: Pod, target: NodeInfo, all: NodeInfo[] = [target]) {
  const fw = frameworkOf([plugin]);
  const state = new Map();
  const pre = fw.runPreFilter(state, p, snapshotOf(all));
  if (pre.code !== "Success") return pre;
  return fw.runFilter(state, p, target);
}

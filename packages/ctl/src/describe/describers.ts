import { translateTimestampSince } from "@minik8s/api/duration";
import { Quantity } from "@minik8s/api/quantity";
import type { KindInfo } from "@minik8s/api/registry";
import { listObjects } from "../api.js";
import type { Cluster } from "../cluster.js";
import type { KubeObject } from "../manifests.js";
import { toYaml } from "../printers/yaml-printer.js";
import {
  controllerOf,
  describeEvents,
  formatLabelMap,
  formatSelector,
  type Json,
  printAnnotations,
  printLabels,
  rfc1123z,
} from "./helpers.js";
import {
  describeContainers,
  describePodTemplate,
  describeVolumes,
  printTolerations,
} from "./pod-template.js";
import { PrefixWriter } from "./prefix-writer.js";

export interface DescribeContext {
  cluster: Cluster;
  now: Date;
  /** The object's events (fetched by the caller), or undefined with --show-events=false. */
  events: Json[] | undefined;
  /** Lists related objects (pods of a replica set, replica sets of a deployment...). */
  list(
    info: KindInfo | string,
    namespace: string | undefined,
    selector?: { labelSelector?: string; fieldSelector?: string },
  ): Promise<Json[]>;
}

export type Describer = (obj: Json, ctx: DescribeContext) => Promise<string>;

function header(w: PrefixWriter, obj: Json): void {
  w.write(0, `Name:\t${obj.metadata?.name ?? ""}\n`);
  if (obj.metadata?.namespace !== undefined) w.write(0, `Namespace:\t${obj.metadata.namespace}\n`);
}

export const describePod: Describer = async (pod, ctx) => {
  const w = new PrefixWriter();
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  w.write(0, `Name:\t${pod.metadata.name}\n`);
  w.write(0, `Namespace:\t${pod.metadata.namespace}\n`);
  if (spec.priority !== undefined && spec.priority !== null) w.write(0, `Priority:\t${spec.priority}\n`);
  if (spec.priorityClassName) w.write(0, `Priority Class Name:\t${spec.priorityClassName}\n`);
  if (spec.serviceAccountName) w.write(0, `Service Account:\t${spec.serviceAccountName}\n`);
  w.write(0, spec.nodeName ? `Node:\t${spec.nodeName}/${status.hostIP ?? ""}\n` : "Node:\t<none>\n");
  if (status.startTime) w.write(0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  printLabels(w, "Labels", pod.metadata.labels);
  printAnnotations(w, "Annotations", pod.metadata.annotations);
  if (pod.metadata.deletionTimestamp) {
    w.write(
      0,
      `Status:\tTerminating (lasts ${translateTimestampSince(pod.metadata.deletionTimestamp, ctx.now)})\n`,
    );
    w.write(0, `Termination Grace Period:\t${pod.metadata.deletionGracePeriodSeconds ?? 0}s\n`);
  } else {
    w.write(0, `Status:\t${status.phase ?? ""}\n`);
  }
  if (status.reason) w.write(0, `Reason:\t${status.reason}\n`);
  if (status.message) w.write(0, `Message:\t${status.message}\n`);
  w.write(0, `IP:\t${status.podIP ?? ""}\n`);
  const ips: Json[] = status.podIPs ?? [];
  if (ips.length === 0) w.write(0, "IPs:\t<none>\n");
  else {
    w.write(0, "IPs:\n");
    for (const ip of ips) w.write(0, `  IP:\t${ip.ip}\n`);
  }
  const controller = controllerOf(pod);
  if (controller) w.write(0, `Controlled By:\t${controller}\n`);
  if (status.nominatedNodeName) w.write(0, `NominatedNodeName:\t${status.nominatedNodeName}\n`);
  if (spec.initContainers?.length) {
    describeContainers(w, "Init Containers", spec.initContainers, status.initContainerStatuses ?? [], "");
  }
  describeContainers(w, "Containers", spec.containers, status.containerStatuses ?? [], "");
  if (status.conditions?.length) {
    w.write(0, "Conditions:\n  Type\tStatus\n");
    for (const c of status.conditions) w.write(1, `${c.type} \t${c.status} \n`);
  }
  describeVolumes(w, spec.volumes, "");
  w.write(0, `QoS Class:\t${status.qosClass ?? qosClass(spec)}\n`);
  printLabels(w, "Node-Selectors", spec.nodeSelector);
  printTolerations(w, spec.tolerations);
  describeEvents(w, ctx.events, ctx.now);
  return w.toString();
};

/** The QoS class Kubernetes gives a pod when status has none yet. */
export function qosClass(spec: Json): string {
  const containers: Json[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ["cpu", "memory"]) {
      if (lim[r] === undefined || (req[r] !== undefined && String(req[r]) !== String(lim[r])))
        guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

function conditionsTable(w: PrefixWriter, conditions: Json[] | undefined): void {
  if (!conditions?.length) return;
  w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
  w.write(1, "----\t------\t------\n");
  for (const c of conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ""}\n`);
}

function ownedBy(uid: string | undefined) {
  return (o: Json) => (o.metadata?.ownerReferences ?? []).some((r: Json) => r.controller && r.uid === uid);
}

function replicaSetsText(list: Json[]): string {
  if (list.length === 0) return "<none>";
  return list
    .map(
      (rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`,
    )
    .join(", ");
}

export const describeDeployment: Describer = async (d, ctx) => {
  const w = new PrefixWriter();
  const spec = d.spec ?? {};
  const status = d.status ?? {};
  header(w, d);
  w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`);
  printLabels(w, "Labels", d.metadata.labels);
  printAnnotations(w, "Annotations", d.metadata.annotations);
  w.write(0, `Selector:\t${formatSelector(spec.selector)}\n`);
  w.write(
    0,
    `Replicas:\t${spec.replicas ?? 1} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ${status.availableReplicas ?? 0} available | ${status.unavailableReplicas ?? 0} unavailable\n`,
  );
  w.write(0, `StrategyType:\t${spec.strategy?.type ?? "RollingUpdate"}\n`);
  w.write(0, `MinReadySeconds:\t${spec.minReadySeconds ?? 0}\n`);
  const ru = spec.strategy?.rollingUpdate;
  if (ru)
    w.write(
      0,
      `RollingUpdateStrategy:\t${ru.maxUnavailable ?? "25%"} max unavailable, ${ru.maxSurge ?? "25%"} max surge\n`,
    );
  describePodTemplate(w, spec.template);
  conditionsTable(w, status.conditions);
  const all = (await ctx.list("replicasets", d.metadata.namespace)).filter(ownedBy(d.metadata.uid));
  const revision = (rs: Json) => Number(rs.metadata?.annotations?.["deployment.kubernetes.io/revision"] ?? 0);
  const newest = all.length ? all.reduce((a, b) => (revision(b) > revision(a) ? b : a)) : undefined;
  const old = all.filter(
    (rs) => rs !== newest && ((rs.spec?.replicas ?? 0) > 0 || (rs.status?.replicas ?? 0) > 0),
  );
  if (all.length > 0) {
    w.write(0, `OldReplicaSets:\t${replicaSetsText(old)}\n`);
    w.write(0, `NewReplicaSet:\t${replicaSetsText(newest ? [newest] : [])}\n`);
  }
  describeEvents(w, ctx.events, ctx.now);
  return w.toString();
};

function selectorQuery(selector: Json): string | undefined {
  const text = formatSelector(selector);
  return text === "<none>" ? undefined : text;
}

export const describeReplicaSet: Describer = async (rs, ctx) => {
  const w = new PrefixWriter();
  header(w, rs);
  w.write(0, `Selector:\t${formatSelector(rs.spec?.selector)}\n`);
  printLabels(w, "Labels", rs.metadata.labels);
  printAnnotations(w, "Annotations", rs.metadata.annotations);
  const controller = controllerOf(rs);
  if (controller) w.write(0, `Controlled By:\t${controller}\n`);
  w.write(0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 1} desired\n`);
  const labelSelector = selectorQuery(rs.spec?.selector);
  const pods = (await ctx.list("pods", rs.metadata.namespace, labelSelector ? { labelSelector } : {})).filter(
    ownedBy(rs.metadata.uid),
  );
  const count = (phase: string) => pods.filter((p) => (p.status?.phase ?? "Pending") === phase).length;
  w.write(
    0,
    `Pods Status:\t${count("Running")} Running / ${count("Pending")} Waiting / ${count("Succeeded")} Succeeded / ${count("Failed")} Failed\n`,
  );
  describePodTemplate(w, rs.spec?.template);
  conditionsTable(w, rs.status?.conditions);
  describeEvents(w, ctx.events, ctx.now);
  return w.toString();
};

export const describeService: Describer = async (svc, ctx) => {
  const w = new PrefixWriter();
  const spec = svc.spec ?? {};
  header(w, svc);
  printLabels(w, "Labels", svc.metadata.labels);
  printAnnotations(w, "Annotations", svc.metadata.annotations);
  w.write(0, `Selector:\t${formatLabelMap(spec.selector)}\n`);
  w.write(0, `Type:\t${spec.type ?? "ClusterIP"}\n`);
  if (spec.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(0, `IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(",") : "<none>"}\n`);
  w.write(0, `IP:\t${spec.clusterIP ?? ""}\n`);
  if (spec.clusterIPs?.length) w.write(0, `IPs:\t${spec.clusterIPs.join(",")}\n`);
  if (spec.externalIPs?.length) w.write(0, `External IPs:\t${spec.externalIPs.join(",")}\n`);
  const ingress: Json[] = svc.status?.loadBalancer?.ingress ?? [];
  if (ingress.length)
    w.write(0, `LoadBalancer Ingress:\t${ingress.map((i) => i.ip ?? i.hostname).join(", ")}\n`);
  let endpoints: Json | undefined;
  try {
    endpoints = (
      await ctx.list("endpoints", svc.metadata.namespace, {
        fieldSelector: `metadata.name=${svc.metadata.name}`,
      })
    )[0];
  } catch {
    endpoints = undefined;
  }
  for (const p of spec.ports ?? []) {
    const name = p.name || "<unset>";
    const protocol = p.protocol ?? "TCP";
    w.write(0, `Port:\t${name}\t${p.port}/${protocol}\n`);
    w.write(0, `TargetPort:\t${p.targetPort ?? p.port}/${protocol}\n`);
    if (p.nodePort) w.write(0, `NodePort:\t${name}\t${p.nodePort}/${protocol}\n`);
    w.write(0, `Endpoints:\t${formatEndpoints(endpoints, p.name ?? "") || "<none>"}\n`);
  }
  w.write(0, `Session Affinity:\t${spec.sessionAffinity ?? "None"}\n`);
  if (spec.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy) w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  describeEvents(w, ctx.events, ctx.now);
  return w.toString();
};

/** `10.244.0.5:80,10.244.0.6:80` for the port named `portName`, at most 3 then `+ N more...`. */
function formatEndpoints(endpoints: Json | undefined, portName: string): string {
  const list: string[] = [];
  for (const subset of endpoints?.subsets ?? []) {
    for (const port of subset.ports ?? []) {
      if ((port.name ?? "") !== portName) continue;
      for (const addr of subset.addresses ?? []) list.push(`${addr.ip}:${port.port}`);
    }
  }
  if (list.length === 0) return "";
  const shown = list.slice(0, 3).join(",");
  return list.length > 3 ? `${shown} + ${list.length - 3} more...` : shown;
}

export const describeNamespace: Describer = async (ns) => {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${ns.metadata.name}\n`);
  printLabels(w, "Labels", ns.metadata.labels);
  printAnnotations(w, "Annotations", ns.metadata.annotations);
  w.write(0, `Status:\t${ns.status?.phase ?? "Active"}\n`);
  // kubectl adds quota and limit-range sections when the server serves those kinds; minik8s does not.
  return w.toString();
};

export const describeNode: Describer = async (node, ctx) => {
  const w = new PrefixWriter();
  const spec = node.spec ?? {};
  const status = node.status ?? {};
  const labels: Record<string, string> = node.metadata.labels ?? {};
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith("node-role.kubernetes.io/"))
    .map((k) => k.slice("node-role.kubernetes.io/".length))
    .sort();
  w.write(0, `Name:\t${node.metadata.name}\n`);
  w.write(0, `Roles:\t${roles.length ? roles.join(",") : "<none>"}\n`);
  printLabels(w, "Labels", labels);
  printAnnotations(w, "Annotations", node.metadata.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp)}\n`);
  const taints: Json[] = spec.taints ?? [];
  w.write(0, "Taints:\t");
  if (taints.length === 0) w.write(0, "<none>\n");
  for (const [i, t] of taints.entries()) {
    w.write(0, `${i ? "\t" : ""}${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}\n`);
  }
  w.write(0, `Unschedulable:\t${Boolean(spec.unschedulable)}\n`);
  let lease: Json | undefined;
  try {
    lease = (
      await ctx.list("leases", "kube-node-lease", { fieldSelector: `metadata.name=${node.metadata.name}` })
    )[0];
  } catch {
    lease = undefined;
  }
  w.write(0, "Lease:\n");
  if (lease) {
    w.write(1, `HolderIdentity:\t${lease.spec?.holderIdentity ?? "<unset>"}\n`);
    w.write(1, `AcquireTime:\t${lease.spec?.acquireTime ? rfc1123z(lease.spec.acquireTime) : "<unset>"}\n`);
    w.write(1, `RenewTime:\t${lease.spec?.renewTime ? rfc1123z(lease.spec.renewTime) : "<unset>"}\n`);
  } else {
    w.write(1, "Failed to get lease: not found\n");
  }
  const conditions: Json[] = status.conditions ?? [];
  if (conditions.length) {
    w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
    w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
    for (const c of conditions) {
      w.write(
        1,
        `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ""} \t${c.message ?? ""}\n`,
      );
    }
  }
  w.write(0, "Addresses:\n");
  for (const a of status.addresses ?? []) w.write(1, `${a.type}:\t${a.address}\n`);
  for (const [title, list] of [
    ["Capacity", status.capacity],
    ["Allocatable", status.allocatable],
  ] as const) {
    if (!list) continue;
    w.write(0, `${title}:\n`);
    for (const k of Object.keys(list).sort()) w.write(1, `${k}:\t${list[k]}\n`);
  }
  const info = status.nodeInfo ?? {};
  w.write(0, "System Info:\n");
  for (const [label, key] of [
    ["Machine ID", "machineID"],
    ["System UUID", "systemUUID"],
    ["Boot ID", "bootID"],
    ["Kernel Version", "kernelVersion"],
    ["OS Image", "osImage"],
    ["Operating System", "operatingSystem"],
    ["Architecture", "architecture"],
    ["Container Runtime Version", "containerRuntimeVersion"],
    ["Kubelet Version", "kubeletVersion"],
    ["Kube-Proxy Version", "kubeProxyVersion"],
  ] as const) {
    w.write(1, `${label}:\t${info[key] ?? ""}\n`);
  }
  if (spec.podCIDR) w.write(0, `PodCIDR:\t${spec.podCIDR}\n`);
  if (spec.podCIDRs?.length) w.write(0, `PodCIDRs:\t${spec.podCIDRs.join(",")}\n`);
  let pods: Json[] = [];
  try {
    pods = (
      await ctx.list("pods", undefined, { fieldSelector: `spec.nodeName=${node.metadata.name}` })
    ).filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
  } catch {
    pods = [];
  }
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, "Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
  w.write(1, "---------\t----\t------------\t----------\t---------------\t-------------\t---\n");
  const alloc = status.allocatable ?? {};
  const totals = { cpuReq: 0, cpuLim: 0, memReq: 0, memLim: 0 };
  for (const p of pods) {
    const r = podResources(p);
    totals.cpuReq += r.cpuReq;
    totals.cpuLim += r.cpuLim;
    totals.memReq += r.memReq;
    totals.memLim += r.memLim;
    w.write(
      1,
      `${p.metadata.namespace}\t${p.metadata.name}\t${fmtCpu(r.cpuReq)} (${pct(r.cpuReq, cpu(alloc.cpu))}%)\t${fmtCpu(r.cpuLim)} (${pct(r.cpuLim, cpu(alloc.cpu))}%)\t${fmtMem(r.memReq)} (${pct(r.memReq, mem(alloc.memory))}%)\t${fmtMem(r.memLim)} (${pct(r.memLim, mem(alloc.memory))}%)\t${translateTimestampSince(p.metadata.creationTimestamp, ctx.now)}\n`,
    );
  }
  w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
  w.write(1, "Resource\tRequests\tLimits\n");
  w.write(1, "--------\t--------\t------\n");
  w.write(
    1,
    `cpu\t${fmtCpu(totals.cpuReq)} (${pct(totals.cpuReq, cpu(alloc.cpu))}%)\t${fmtCpu(totals.cpuLim)} (${pct(totals.cpuLim, cpu(alloc.cpu))}%)\n`,
  );
  w.write(
    1,
    `memory\t${fmtMem(totals.memReq)} (${pct(totals.memReq, mem(alloc.memory))}%)\t${fmtMem(totals.memLim)} (${pct(totals.memLim, mem(alloc.memory))}%)\n`,
  );
  describeEvents(w, ctx.events, ctx.now);
  return w.toString();
};

function podResources(p: Json) {
  const r = { cpuReq: 0, cpuLim: 0, memReq: 0, memLim: 0 };
  for (const c of p.spec?.containers ?? []) {
    r.cpuReq += cpu(c.resources?.requests?.cpu);
    r.cpuLim += cpu(c.resources?.limits?.cpu);
    r.memReq += mem(c.resources?.requests?.memory);
    r.memLim += mem(c.resources?.limits?.memory);
  }
  return r;
}

/** Millicores; 0 when absent or not a quantity. */
function cpu(q: unknown): number {
  return Number(quantityOf(q)?.milliValue() ?? 0);
}

/** Bytes; 0 when absent or not a quantity. */
function mem(q: unknown): number {
  return quantityOf(q)?.toNumber() ?? 0;
}

function quantityOf(q: unknown): Quantity | undefined {
  if (typeof q !== "string" && typeof q !== "number") return undefined;
  try {
    return Quantity.parse(q);
  } catch {
    return undefined;
  }
}

function pct(v: number, total: number): number {
  return total > 0 ? Math.floor((v / total) * 100) : 0;
}

function fmtCpu(milli: number): string {
  return milli === 0 ? "0" : milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

function fmtMem(bytes: number): string {
  if (bytes === 0) return "0";
  for (const [suffix, size] of [
    ["Gi", 1024 ** 3],
    ["Mi", 1024 ** 2],
    ["Ki", 1024],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${suffix}`;
  }
  return String(bytes);
}

/** Kinds without a describer of their own: metadata as kubectl's generic describer, then the rest as YAML-ish fields. */
export const describeGeneric: Describer = async (obj, ctx) => {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${obj.metadata?.name ?? ""}\n`);
  if (obj.metadata?.namespace) w.write(0, `Namespace:\t${obj.metadata.namespace}\n`);
  printLabels(w, "Labels", obj.metadata?.labels);
  printAnnotations(w, "Annotations", obj.metadata?.annotations);
  w.write(0, `API Version:\t${obj.apiVersion}\n`);
  w.write(0, `Kind:\t${obj.kind}\n`);
  const rest: Record<string, unknown> = { ...obj };
  delete rest.apiVersion;
  delete rest.kind;
  const meta = { ...(obj.metadata ?? {}) };
  for (const k of ["name", "namespace", "labels", "annotations"]) delete meta[k];
  rest.metadata = meta;
  for (const key of Object.keys(rest).sort()) writeField(w, 0, key, rest[key]);
  describeEvents(w, ctx.events ?? [], ctx.now);
  return w.toString();
};

/** The generic describer's field dump: `Creation Timestamp:` style titles, nested by indent. */
function writeField(w: PrefixWriter, level: number, key: string, value: unknown): void {
  const title = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase());
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    w.write(level, `${title}:\n`);
    for (const item of value) {
      if (item && typeof item === "object") {
        const entries = Object.entries(item as Record<string, unknown>);
        entries.forEach(([k, v], i) => {
          if (i === 0 && (v === null || typeof v !== "object")) {
            w.write(level + 1, `${k.replace(/^./, (c) => c.toUpperCase())}:\t${v}\n`);
          } else writeField(w, level + 2, k, v);
        });
      } else w.write(level + 1, `${item}\n`);
    }
  } else if (typeof value === "object") {
    w.write(level, `${title}:\n`);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) writeField(w, level + 1, k, v);
  } else {
    w.write(level, `${title}:\t${value}\n`);
  }
}

export const describers: Record<string, Describer> = {
  Pod: describePod,
  Deployment: describeDeployment,
  ReplicaSet: describeReplicaSet,
  Service: describeService,
  Namespace: describeNamespace,
  Node: describeNode,
};

export type { KubeObject };
export { listObjects, toYaml };

import {
  isAlreadyExists,
  isConflict,
  type KindInfo,
  kindForApiVersion,
  type Node,
  type Taint,
} from "@minik8s/api";
import type { Client, Logger } from "@minik8s/client";

export const NODES = kindForApiVersion("v1", "Node") as KindInfo;

export interface NodeRegistration {
  nodeName: string;
  /** Go's GOARCH word for this machine. */
  architecture: string;
  /** `--node-labels`, and the GPU labels the device manager found. */
  labels: Record<string, string>;
  /** `--register-with-taints`. */
  taints: Taint[];
}

/** The labels every kubelet sets on its own Node (Kubernetes' well-known labels). */
export function defaultNodeLabels(reg: NodeRegistration): Record<string, string> {
  return {
    "kubernetes.io/hostname": reg.nodeName,
    "kubernetes.io/os": "linux",
    "kubernetes.io/arch": reg.architecture,
  };
}

export function nodeObject(reg: NodeRegistration): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: reg.nodeName, labels: { ...reg.labels, ...defaultNodeLabels(reg) } },
    spec: reg.taints.length > 0 ? { taints: reg.taints } : {},
  };
}

export type RegistrationResult = { ok: true; node: Node; adopted: boolean } | { ok: false; message: string };

/**
 * Registers this node, or adopts the Node already there (a restarted kubelet, or a machine that
 * came back): like Kubernetes' tryRegisterWithAPIServer, it then reconciles what the kubelet
 * owns on it — its labels win, its taints are added when missing — and leaves the rest (other
 * labels, cordoning, taints added by others) as it finds it.
 */
export async function registerNode(
  client: Client,
  reg: NodeRegistration,
  log?: Logger,
): Promise<RegistrationResult> {
  const wanted = nodeObject(reg);
  try {
    const node = await client.create(wanted);
    log?.info({ node: reg.nodeName }, "registered node");
    return { ok: true, node, adopted: false };
  } catch (err) {
    if (!isAlreadyExists(err))
      return { ok: false, message: `registering node ${reg.nodeName}: ${String(err)}` };
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const existing = await client.get<Node>(NODES, undefined, reg.nodeName);
      const merged = reconcileNode(existing, wanted);
      const node = merged === existing ? existing : await client.update(merged);
      log?.info({ node: reg.nodeName, changed: merged !== existing }, "adopted existing node");
      return { ok: true, node, adopted: true };
    } catch (err) {
      if (!isConflict(err)) return { ok: false, message: `adopting node ${reg.nodeName}: ${String(err)}` };
    }
  }
  return { ok: false, message: `adopting node ${reg.nodeName}: too many conflicting writers` };
}

/** `existing` with our labels and taints; `existing` itself when nothing needs to change. */
export function reconcileNode(existing: Node, wanted: Node): Node {
  const labels = { ...existing.metadata.labels, ...wanted.metadata.labels };
  const taints = [...(existing.spec?.taints ?? [])];
  for (const t of wanted.spec?.taints ?? []) {
    if (!taints.some((have) => have.key === t.key && have.effect === t.effect)) taints.push(t);
  }
  const labelsSame = JSON.stringify(labels) === JSON.stringify(existing.metadata.labels ?? {});
  const taintsSame = taints.length === (existing.spec?.taints ?? []).length;
  if (labelsSame && taintsSame) return existing;
  return {
    ...existing,
    metadata: { ...existing.metadata, labels },
    spec: { ...existing.spec, ...(taints.length > 0 ? { taints } : {}) },
  };
}

/** `--node-labels a=b,c=d` */
export function parseNodeLabels(text: string): Record<string, string> | string {
  const labels: Record<string, string> = {};
  for (const part of text.split(",").map((s) => s.trim())) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq <= 0) return `--node-labels: want key=value, got ${JSON.stringify(part)}`;
    labels[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return labels;
}

const EFFECTS = new Set(["NoSchedule", "PreferNoSchedule", "NoExecute"]);

/** `--register-with-taints key=value:Effect,key:Effect` */
export function parseTaints(text: string): Taint[] | string {
  const taints: Taint[] = [];
  for (const part of text.split(",").map((s) => s.trim())) {
    if (part === "") continue;
    const colon = part.lastIndexOf(":");
    const effect = colon > 0 ? part.slice(colon + 1) : "";
    if (!EFFECTS.has(effect)) {
      return `--register-with-taints: want key[=value]:NoSchedule|PreferNoSchedule|NoExecute, got ${JSON.stringify(part)}`;
    }
    const kv = part.slice(0, colon);
    const eq = kv.indexOf("=");
    const key = eq >= 0 ? kv.slice(0, eq) : kv;
    if (key === "") return `--register-with-taints: empty key in ${JSON.stringify(part)}`;
    taints.push({ key, ...(eq >= 0 ? { value: kv.slice(eq + 1) } : {}), effect: effect as Taint["effect"] });
  }
  return taints;
}

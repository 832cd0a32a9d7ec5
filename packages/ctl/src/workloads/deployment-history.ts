/*
 * A deployment's history as kubectl reads it: the ReplicaSets its selector matches that it
 * controls (ownerReference with controller: true), each numbered by its revision annotation.
 */

import { labelSelectorToString } from "@minik8s/api/label-selector";
import { kindForApiVersion } from "@minik8s/api/registry";
import { listObjects } from "../api.js";
import type { Cluster } from "../cluster.js";
import type { KubeObject } from "../manifests.js";

// biome-ignore lint/suspicious/noExplicitAny: objects from the server are untyped JSON here
type Json = any;

export const REVISION = "deployment.kubernetes.io/revision";
export const CHANGE_CAUSE = "kubernetes.io/change-cause";
export const POD_TEMPLATE_HASH = "pod-template-hash";
const REPLICASETS = kindForApiVersion("apps/v1", "ReplicaSet")!;

/** The revision annotation as a number; undefined when missing or not an integer. */
export function revisionOf(obj: KubeObject): number | undefined {
  const text = obj.metadata?.annotations?.[REVISION];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/** The ReplicaSets of `deployment`, with their revisions, oldest first. */
export async function replicaSetsOf(
  cluster: Cluster,
  deployment: Json,
): Promise<{ revision: number; rs: Json }[]> {
  const uid = deployment.metadata?.uid;
  const list = await listObjects(cluster, REPLICASETS, deployment.metadata?.namespace, {
    labelSelector: labelSelectorToString(deployment.spec?.selector),
  });
  const out: { revision: number; rs: Json }[] = [];
  for (const rs of list.items) {
    const owned = (rs.metadata?.ownerReferences ?? []).some(
      (r: Json) => r.controller === true && r.uid === uid,
    );
    const revision = revisionOf(rs);
    if (owned && revision !== undefined) out.push({ revision, rs });
  }
  return out.sort((a, b) => a.revision - b.revision);
}

/** Two pod templates alike but for the pod-template-hash label (kubectl's equalIgnoreHash). */
export function sameTemplateIgnoringHash(a: Json, b: Json): boolean {
  const strip = (t: Json) => {
    const copy = structuredClone(t ?? {});
    if (copy.metadata?.labels) {
      delete copy.metadata.labels[POD_TEMPLATE_HASH];
      if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
    }
    return copy;
  };
  return canonical(strip(a)) === canonical(strip(b));
}

function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

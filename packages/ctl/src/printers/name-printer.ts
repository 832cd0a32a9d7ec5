import { kindForApiVersion } from "@minik8s/api/registry";
import type { KubeObject } from "../manifests.js";
import { kindPrefix } from "../resources.js";

/** `-o name`: `deployment.apps/web`, `pod/web-1`. */
export function objectName(obj: KubeObject): string {
  const info = obj.apiVersion && obj.kind ? kindForApiVersion(obj.apiVersion, obj.kind) : undefined;
  const group = info?.group ?? (obj.apiVersion?.includes("/") ? obj.apiVersion.split("/")[0]! : "");
  return `${kindPrefix({ kind: obj.kind ?? "", group })}/${obj.metadata?.name ?? ""}`;
}

// Where a workload keeps its pod spec, so `set` commands can edit pods and templates alike.
import type { KindInfo } from "@minik8s/api/registry";

// biome-ignore lint/suspicious/noExplicitAny: objects from the server are untyped JSON here
type Json = any;

/** The path from the object's root to its pod spec; undefined for kinds that have none. */
export function podSpecPath(info: KindInfo): string[] | undefined {
  switch (info.kind) {
    case "Pod":
      return ["spec"];
    case "CronJob":
      return ["spec", "jobTemplate", "spec", "template", "spec"];
    case "Deployment":
    case "ReplicaSet":
    case "StatefulSet":
    case "DaemonSet":
    case "Job":
    case "ReplicationController":
      return ["spec", "template", "spec"];
    default:
      return undefined;
  }
}

/** The object's pod spec, read along `path`. */
export function podSpecAt(obj: Json, path: string[]): Json {
  let at = obj;
  for (const key of path) at = at?.[key];
  return at ?? {};
}

/** Wraps `leaf` in the objects along `path`: the body of a patch that touches only the pod spec. */
export function nestAt(path: string[], leaf: Json): Json {
  return path.reduceRight((inner, key) => ({ [key]: inner }), leaf);
}

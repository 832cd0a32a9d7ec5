import { deepCopy } from "../deep-copy.js";
import type { Deployment, ReplicaSet } from "../schemas/apps.js";
import type { HorizontalPodAutoscaler } from "../schemas/autoscaling.js";
import type { CronJob, Job } from "../schemas/batch.js";
import type { Endpoints, Namespace, Node, Pod, Secret, Service } from "../schemas/core.js";
import { defaultHorizontalPodAutoscaler } from "./autoscaling.js";
import { defaultEndpoints, defaultNamespace, defaultNode, defaultSecret, defaultService } from "./core.js";
import { defaultPod } from "./pod.js";
import { defaultCronJob, defaultDeployment, defaultJob, defaultReplicaSet } from "./workloads.js";

type Defaulter = (obj: never) => void;

const DEFAULTERS: Record<string, Defaulter> = {
  "v1/Pod": (o: Pod) => defaultPod(o),
  "v1/Service": (o: Service) => defaultService(o),
  "v1/Namespace": (o: Namespace) => defaultNamespace(o),
  "v1/Secret": (o: Secret) => defaultSecret(o),
  "v1/Node": (o: Node) => defaultNode(o),
  "v1/Endpoints": (o: Endpoints) => defaultEndpoints(o),
  "apps/v1/Deployment": (o: Deployment) => defaultDeployment(o),
  "apps/v1/ReplicaSet": (o: ReplicaSet) => defaultReplicaSet(o),
  "batch/v1/Job": (o: Job) => defaultJob(o),
  "batch/v1/CronJob": (o: CronJob) => defaultCronJob(o),
  "autoscaling/v2/HorizontalPodAutoscaler": (o: HorizontalPodAutoscaler) => defaultHorizontalPodAutoscaler(o),
};

/**
 * Kubernetes' defaulting for a decoded object, chosen by apiVersion and kind. Returns a defaulted
 * copy and leaves the argument alone; kinds without defaults come back as a plain copy.
 */
export function applyDefaults<T extends { apiVersion?: string; kind?: string }>(obj: T): T {
  return defaultInPlace(deepCopy(obj));
}

/** The same defaulting done to `obj` itself, for an object the caller owns (a decoded body). */
export function defaultInPlace<T extends { apiVersion?: string; kind?: string }>(obj: T): T {
  const defaulter = DEFAULTERS[`${obj.apiVersion}/${obj.kind}`];
  if (defaulter) {
    // Decoded objects always carry metadata; make sure hand-built ones do before defaulting.
    (obj as { metadata?: object }).metadata ??= {};
    defaulter(obj as never);
  }
  return obj;
}

import type { Deployment, ReplicaSet } from "@minik8s/api/schemas/apps";
import type { Pod } from "@minik8s/api/schemas/core";

export function podTemplate(labels: Record<string, string>, image = "web:1") {
  return {
    metadata: { labels },
    // A short grace period: the kubelet waits out at most this long before confirming a delete.
    spec: { containers: [{ name: "app", image }], terminationGracePeriodSeconds: 1 },
  };
}

export function replicaSet(
  namespace: string,
  name: string,
  replicas: number,
  labels = { app: name },
): ReplicaSet {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, namespace },
    spec: { replicas, selector: { matchLabels: labels }, template: podTemplate(labels) },
  };
}

export function deployment(
  namespace: string,
  name: string,
  replicas: number,
  opts: {
    image?: string;
    maxSurge?: number | string;
    maxUnavailable?: number | string;
    progressDeadlineSeconds?: number;
    strategy?: "Recreate";
  } = {},
): Deployment {
  const labels = { app: name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: podTemplate(labels, opts.image ?? "web:1"),
      strategy:
        opts.strategy === "Recreate"
          ? { type: "Recreate" }
          : {
              type: "RollingUpdate",
              rollingUpdate: {
                maxSurge: opts.maxSurge ?? "25%",
                maxUnavailable: opts.maxUnavailable ?? "25%",
              },
            },
      ...(opts.progressDeadlineSeconds ? { progressDeadlineSeconds: opts.progressDeadlineSeconds } : {}),
    },
  };
}

export function pod(namespace: string, name: string, labels: Record<string, string>): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: "app", image: "web:1" }], terminationGracePeriodSeconds: 1 },
  };
}

import { StatusError } from "@minik8s/api";
import type { ResourceStorage } from "./registry/resource-storage.js";

/** The namespaces every Kubernetes cluster has from its first start. */
export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** Create unless it exists; a lost race with another apiserver is fine too. */
async function ensure(exists: () => Promise<unknown>, create: () => Promise<unknown>): Promise<void> {
  try {
    await exists();
    return;
  } catch (err) {
    if (!(err instanceof StatusError && err.reason === "NotFound")) throw err;
  }
  try {
    await create();
  } catch (err) {
    if (!(err instanceof StatusError && err.reason === "AlreadyExists")) throw err;
  }
}

/**
 * First start: the system namespaces and the `kubernetes` Service (the first ClusterIP of the
 * service range, as in Kubernetes). Later starts find them and change nothing.
 */
export async function bootstrap(
  storage: { namespaces: ResourceStorage; services: ResourceStorage },
  opts: { kubernetesServiceIP: string; port: number },
): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(
      () => storage.namespaces.get(undefined, name),
      () => storage.namespaces.create(undefined, { apiVersion: "v1", kind: "Namespace", metadata: { name } }),
    );
  }
  await ensure(
    () => storage.services.get("default", "kubernetes"),
    () =>
      storage.services.create("default", {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "kubernetes", labels: { component: "apiserver", provider: "kubernetes" } },
        spec: {
          clusterIP: opts.kubernetesServiceIP,
          ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: opts.port }],
        },
      }),
  );
}

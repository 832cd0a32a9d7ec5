import type { Pod } from "@minik8s/api";
import { type ContainerRuntime, LABELS, type RuntimeContainer } from "../runtime/container-runtime.js";

/** A failure the kubelet server answers with, as a Status code and message. */
export class ServerError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ContainerLookup {
  runtime: ContainerRuntime;
  nodeName: string;
  /** The pod as the kubelet knows it (its informer), by namespace and name. */
  pod(namespace: string, name: string): Pod | undefined;
}

/**
 * The runtime container behind `namespace/pod/container`: the current instance, or with
 * `previous` the one before it (the kubelet keeps the last exited instance of each container, as
 * Kubernetes does, so `logs --previous` has something to read after a restart).
 */
export async function findContainer(
  lookup: ContainerLookup,
  namespace: string,
  podName: string,
  container: string,
  previous = false,
): Promise<RuntimeContainer> {
  const pod = lookup.pod(namespace, podName);
  if (!pod) throw new ServerError(404, "NotFound", `pod "${podName}" not found in namespace "${namespace}"`);
  const specs = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  if (!specs.some((c) => c.name === container)) {
    throw new ServerError(400, "BadRequest", `container ${container} is not valid for pod ${podName}`);
  }
  const instances = (
    await lookup.runtime.list({
      [LABELS.podUid]: pod.metadata.uid ?? "",
      [LABELS.node]: lookup.nodeName,
      [LABELS.containerName]: container,
    })
  )
    .filter((c) => c.kind === "container")
    .sort((a, b) => b.restartCount - a.restartCount || b.createdAt - a.createdAt);
  const found = instances[previous ? 1 : 0];
  if (!found) {
    throw new ServerError(
      previous ? 400 : 404,
      previous ? "BadRequest" : "NotFound",
      previous
        ? `previous terminated container "${container}" in pod "${podName}" not found`
        : `container "${container}" in pod "${podName}" is not available`,
    );
  }
  return found;
}

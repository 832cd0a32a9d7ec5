import { type Container, type Pod, Quantity } from "@minik8s/api";
import { type ContainerConfig, fail, LABELS, ok, type RuntimeResult } from "./runtime/container-runtime.js";

/** What the kubelet knows at the moment it creates a container, beside the pod itself. */
export interface ContainerContext {
  nodeName: string;
  podIP: string;
  hostIP: string;
  sandboxId: string;
  restartCount: number;
  devices?: string[] | undefined;
}

/** The labels of everything the kubelet creates for `pod`. */
export function podLabels(pod: Pod, nodeName: string): Record<string, string> {
  return {
    [LABELS.podUid]: pod.metadata.uid ?? "",
    [LABELS.podNamespace]: pod.metadata.namespace ?? "default",
    [LABELS.podName]: pod.metadata.name ?? "",
    [LABELS.node]: nodeName,
    [LABELS.gracePeriod]: String(pod.spec.terminationGracePeriodSeconds ?? 30),
  };
}

/** dockershim's container names: k8s_<container>_<pod>_<namespace>_<uid>_<attempt>, unique per attempt. */
export function runtimeName(pod: Pod, container: string, attempt: number): string {
  const m = pod.metadata;
  return `k8s_${container}_${m.name}_${m.namespace ?? "default"}_${m.uid}_${attempt}`;
}

/**
 * The runtime's view of one container of `pod`: env resolved ($(VAR) expanded as Kubernetes
 * does), command and args expanded, limits in runtime units. A reference this kubelet cannot
 * resolve yet (configMapKeyRef, secretKeyRef) is CreateContainerConfigError, as Kubernetes reports
 * a missing ConfigMap.
 */
export function containerConfig(
  pod: Pod,
  container: Container,
  ctx: ContainerContext,
): RuntimeResult<ContainerConfig> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.valueFrom) {
      const value = fieldRefValue(pod, e.valueFrom.fieldRef?.fieldPath, ctx);
      if (value === undefined) {
        const what = e.valueFrom.fieldRef
          ? `fieldRef ${e.valueFrom.fieldRef.fieldPath}`
          : Object.keys(e.valueFrom).join(", ");
        return fail(
          "CreateContainerConfigError",
          `env ${e.name}: ${what} is not supported by this kubelet yet`,
        );
      }
      env[e.name] = value;
    } else {
      env[e.name] = expand(e.value ?? "", env);
    }
  }
  if (ctx.devices?.length) env.NVIDIA_VISIBLE_DEVICES = ctx.devices.join(",");
  const limits = container.resources?.limits ?? {};
  let cpuMillis: number | undefined;
  let memoryBytes: number | undefined;
  try {
    if (limits.cpu !== undefined) cpuMillis = Number(Quantity.parse(limits.cpu).milliValue());
    if (limits.memory !== undefined) memoryBytes = Number(Quantity.parse(limits.memory).value());
  } catch (err) {
    return fail("CreateContainerConfigError", `limits: ${(err as Error).message}`);
  }
  return ok({
    name: runtimeName(pod, container.name, ctx.restartCount),
    image: container.image ?? "",
    command: container.command?.map((s) => expand(s, env)),
    args: container.args?.map((s) => expand(s, env)),
    workingDir: container.workingDir,
    env,
    labels: {
      ...podLabels(pod, ctx.nodeName),
      [LABELS.type]: "container",
      [LABELS.containerName]: container.name,
      [LABELS.restartCount]: String(ctx.restartCount),
      [LABELS.sandboxId]: ctx.sandboxId,
    },
    cpuMillis,
    memoryBytes,
    devices: ctx.devices,
  });
}

/** The downward API fields an env var may name; undefined for one this kubelet does not serve. */
function fieldRefValue(pod: Pod, path: string | undefined, ctx: ContainerContext): string | undefined {
  const m = pod.metadata;
  switch (path) {
    case "metadata.name":
      return m.name ?? "";
    case "metadata.namespace":
      return m.namespace ?? "default";
    case "metadata.uid":
      return m.uid ?? "";
    case "spec.nodeName":
      return pod.spec.nodeName ?? ctx.nodeName;
    case "spec.serviceAccountName":
      return pod.spec.serviceAccountName ?? "";
    case "status.podIP":
    case "status.podIPs":
      return ctx.podIP;
    case "status.hostIP":
    case "status.hostIPs":
      return ctx.hostIP;
  }
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path ?? "");
  if (labelOrAnnotation) {
    const map = labelOrAnnotation[1] === "labels" ? m.labels : m.annotations;
    return map?.[labelOrAnnotation[2]!] ?? "";
  }
  return undefined;
}

/**
 * Kubernetes' $(VAR) expansion: a defined variable is replaced, an undefined one is left as
 * written, and $$ escapes a dollar.
 */
export function expand(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (whole === "$$") return "$";
    return name !== undefined && Object.hasOwn(vars, name) ? vars[name]! : whole;
  });
}

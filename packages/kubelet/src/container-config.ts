import { type Container, type Pod, Quantity } from "@minik8s/api";
import { expand } from "./env/expand.js";
import {
  type ContainerConfig,
  fail,
  LABELS,
  type Mount,
  ok,
  type RuntimeResult,
} from "./runtime/container-runtime.js";

export { expand };

/** What the kubelet knows at the moment it creates a container, beside the pod itself. */
export interface ContainerContext {
  nodeName: string;
  sandboxId: string;
  restartCount: number;
  /** The container's environment, resolved (env/make-env.ts). */
  env: Record<string, string>;
  /** The container's volume mounts, resolved to host paths (volumes/volume-manager.ts). */
  mounts?: Mount[] | undefined;
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
 * The runtime's view of one container of `pod`: command and args $(VAR)-expanded against its
 * env, limits and requests in runtime units, the security context (the container's fields win
 * over the pod's), mounts and devices.
 */
export function containerConfig(
  pod: Pod,
  container: Container,
  ctx: ContainerContext,
): RuntimeResult<ContainerConfig> {
  const env: Record<string, string> = { ...ctx.env };
  if (ctx.devices?.length) env.NVIDIA_VISIBLE_DEVICES = ctx.devices.join(",");
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  let cpuMillis: number | undefined;
  let memoryBytes: number | undefined;
  let cpuShares: number;
  try {
    if (limits.cpu !== undefined) cpuMillis = Number(Quantity.parse(limits.cpu).milliValue());
    if (limits.memory !== undefined) memoryBytes = Number(Quantity.parse(limits.memory).value());
    // As the kubelet: a request defaults to the limit; neither is the minimum share.
    const request = requests.cpu ?? limits.cpu;
    cpuShares = milliCpuToShares(request === undefined ? 0 : Number(Quantity.parse(request).milliValue()));
  } catch (err) {
    return fail("CreateContainerConfigError", `resources: ${(err as Error).message}`);
  }
  const pc = pod.spec.securityContext ?? {};
  const sc = container.securityContext ?? {};
  const runAsUser = sc.runAsUser ?? pc.runAsUser;
  const runAsGroup = sc.runAsGroup ?? pc.runAsGroup;
  // Kubernetes' verifyRunAsNonRoot, for an explicit user (the image's own user is not checked).
  if ((sc.runAsNonRoot ?? pc.runAsNonRoot) && runAsUser === 0) {
    const m = pod.metadata;
    return fail(
      "CreateContainerConfigError",
      `container's runAsUser breaks non-root policy (pod: "${m.name}_${m.namespace ?? "default"}(${m.uid})", container: ${container.name})`,
    );
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
    cpuShares,
    devices: ctx.devices,
    mounts: ctx.mounts,
    // Docker's "uid:gid"; a group alone keeps the image's user, as CRI's run_as_group needs a user.
    user:
      runAsUser !== undefined ? `${runAsUser}${runAsGroup !== undefined ? `:${runAsGroup}` : ""}` : undefined,
    privileged: sc.privileged || undefined,
    readOnlyRootfs: sc.readOnlyRootFilesystem || undefined,
    capAdd: sc.capabilities?.add,
    capDrop: sc.capabilities?.drop,
    noNewPrivileges: sc.allowPrivilegeEscalation === false || undefined,
  });
}

/** Kubernetes' MilliCPUToShares: 1024 per CPU, between 2 and 262144; 0 (no request) is 2. */
export function milliCpuToShares(milliCpu: number): number {
  if (milliCpu === 0) return 2;
  const shares = Math.floor((milliCpu * 1024) / 1000);
  return Math.min(Math.max(shares, 2), 262_144);
}

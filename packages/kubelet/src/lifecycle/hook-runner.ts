import type { Container, Pod } from "@minik8s/api";
import { type Clock, sleep } from "@minik8s/client";
import { LIFECYCLE_USER_AGENT, Prober } from "../prober/prober.js";
import type { ContainerRuntime } from "../runtime/container-runtime.js";

export type LifecycleHandler = NonNullable<NonNullable<Container["lifecycle"]>["postStart"]>;

/** Where a hook runs: the container instance and its pod's IP (httpGet's default host). */
export interface HookTarget {
  pod: Pod;
  container: Container;
  containerId: string;
  podIP: string | undefined;
}

/**
 * Runs a postStart or preStop handler: Kubernetes' lifecycle.handlerRunner. exec runs through
 * the runtime's execSync and fails on a non-zero exit; httpGet fails only when no response
 * comes (any status code will do, as in Kubernetes); sleep waits; tcpSocket is deprecated and
 * cannot run. The failure message is Kubernetes' own, for the FailedPostStartHook and
 * FailedPreStopHook events.
 */
export class HookRunner {
  private readonly prober: Prober;

  constructor(
    private readonly runtime: Pick<ContainerRuntime, "execSync">,
    private readonly clock: Clock,
  ) {
    this.prober = new Prober(runtime);
  }

  async run(
    handler: LifecycleHandler,
    t: HookTarget,
    timeoutMs: number,
  ): Promise<{ ok: true } | { ok: false; message: string }> {
    const pod = `${t.pod.metadata.name}_${t.pod.metadata.namespace}(${t.pod.metadata.uid})`;
    const target = { container: t.container, containerId: t.containerId, podIP: t.podIP };
    if (handler.exec) {
      const command = handler.exec.command ?? [];
      const res = await this.runtime.execSync(t.containerId, command, timeoutMs);
      if (res.ok && res.value.exitCode === 0) return { ok: true };
      const error = res.ok
        ? `command '${command.join(" ")}' exited with ${res.value.exitCode}: ${res.value.output}`
        : res.error.message;
      return {
        ok: false,
        message: `Exec lifecycle hook ([${command.join(" ")}]) for Container "${t.container.name}" in Pod "${pod}" failed - error: ${error}, message: ${JSON.stringify(res.ok ? res.value.output : "")}`,
      };
    }
    if (handler.httpGet) {
      const out = await this.prober.run(
        { httpGet: handler.httpGet },
        target,
        timeoutMs,
        LIFECYCLE_USER_AGENT,
      );
      if (out.statusCode !== undefined || out.result === "success") return { ok: true };
      return {
        ok: false,
        message: `HTTP lifecycle hook (${handler.httpGet.path ?? "/"}) for Container "${t.container.name}" in Pod "${pod}" failed - error: ${out.output}`,
      };
    }
    if (handler.sleep) {
      await sleep(this.clock, Math.min(handler.sleep.seconds * 1000, timeoutMs));
      return { ok: true };
    }
    return { ok: false, message: "Cannot run handler: invalid handler: tcpSocket hooks are not supported" };
  }
}

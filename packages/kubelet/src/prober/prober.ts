import { type Container, KUBERNETES_VERSION } from "@minik8s/api";
import type { ContainerRuntime } from "../runtime/container-runtime.js";
import { httpGet } from "./http-get.js";
import type { ProbeOutcome } from "./probe-outcome.js";
import { tcpSocket } from "./tcp-socket.js";

/** The action a probe or a lifecycle handler names: exactly one is set. */
export type ProbeAction = Pick<
  NonNullable<Container["livenessProbe"]>,
  "exec" | "httpGet" | "tcpSocket" | "grpc"
>;

/** The container an action runs against. */
export interface ProbeTarget {
  container: Container;
  containerId: string;
  /** The pod's IP: httpGet and tcpSocket go there unless the action names a host. */
  podIP: string | undefined;
}

/** `kube-probe/1.32`: the User-Agent Kubernetes sends; hooks send `kube-lifecycle/1.32`. */
export const PROBE_USER_AGENT = `kube-probe/${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}`;
export const LIFECYCLE_USER_AGENT = `kube-lifecycle/${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}`;

/**
 * Runs one action against one container: Kubernetes' prober.runProbe. httpGet and tcpSocket
 * dial from the kubelet's process to the pod IP (the pod network must be reachable from the
 * node, as in Kubernetes); exec runs in the container through the runtime's execSync.
 */
export class Prober {
  constructor(private readonly runtime: Pick<ContainerRuntime, "execSync">) {}

  async run(
    action: ProbeAction,
    target: ProbeTarget,
    timeoutMs: number,
    userAgent = PROBE_USER_AGENT,
  ): Promise<ProbeOutcome> {
    if (action.exec) {
      const command = action.exec.command ?? [];
      const res = await this.runtime.execSync(target.containerId, command, timeoutMs);
      if (!res.ok) {
        return res.error.reason === "ExecTimeout"
          ? { result: "failure", output: `command "${command.join(" ")}" timed out` }
          : { result: "unknown", output: res.error.message };
      }
      return { result: res.value.exitCode === 0 ? "success" : "failure", output: res.value.output };
    }
    if (action.httpGet) {
      const get = action.httpGet;
      const port = resolvePort(get.port, target.container);
      if (typeof port === "string") return { result: "unknown", output: port };
      const host = get.host || target.podIP;
      if (!host) return { result: "unknown", output: "the pod has no IP yet" };
      return httpGet({
        host,
        port,
        path: get.path ?? "/",
        headers: get.httpHeaders ?? [],
        timeoutMs,
        userAgent,
      });
    }
    if (action.tcpSocket) {
      const port = resolvePort(action.tcpSocket.port, target.container);
      if (typeof port === "string") return { result: "unknown", output: port };
      const host = action.tcpSocket.host || target.podIP;
      if (!host) return { result: "unknown", output: "the pod has no IP yet" };
      return tcpSocket(host, port, timeoutMs);
    }
    if (action.grpc) return { result: "unknown", output: "gRPC probes are not supported by minik8s" };
    return { result: "unknown", output: "missing probe handler" };
  }
}

/** A port number, or a named port of the container; a string result says what is wrong. */
export function resolvePort(port: number | string, container: Container): number | string {
  let n: number;
  if (typeof port === "number") n = port;
  else if (/^\d+$/.test(port)) n = Number(port);
  else {
    const named = container.ports?.find((p) => p.name === port);
    if (!named) return `port ${port} not found`;
    n = named.containerPort;
  }
  return n > 0 && n <= 65535 ? n : `invalid port number: ${n}`;
}

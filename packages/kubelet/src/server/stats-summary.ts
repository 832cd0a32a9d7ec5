import { freemem, totalmem } from "node:os";
import type { Pod } from "@minik8s/api";
import { LABELS } from "../runtime/container-runtime.js";
import type { ContainerLookup } from "./pod-containers.js";

/**
 * `GET /stats/summary`, cut down: Kubernetes' Summary API reports CPU, memory, network and
 * filesystem use per node, pod and container from cAdvisor. This one reports the node's memory
 * and, per running container, the CPU time and memory the runtime measures (Docker's stats).
 */
export async function statsSummary(o: ContainerLookup & { pods(): Pod[] }) {
  const now = new Date().toISOString();
  const containers = await o.runtime.list({ [LABELS.node]: o.nodeName });
  const running = containers.filter((c) => c.kind === "container" && c.state === "running");
  const usage = new Map(
    await Promise.all(running.map(async (c) => [c.id, await o.runtime.stats?.(c.id)] as const)),
  );
  const total = totalmem();
  const free = freemem();
  return {
    node: {
      nodeName: o.nodeName,
      memory: { time: now, availableBytes: free, usageBytes: total - free, workingSetBytes: total - free },
    },
    pods: o.pods().map((pod) => {
      const uid = pod.metadata.uid ?? "";
      return {
        podRef: { name: pod.metadata.name ?? "", namespace: pod.metadata.namespace ?? "", uid },
        startTime: pod.status?.startTime,
        containers: running
          .filter((c) => c.labels[LABELS.podUid] === uid)
          .map((c) => {
            const u = usage.get(c.id);
            return {
              name: c.labels[LABELS.containerName] ?? c.name,
              startTime: c.startedAt !== undefined ? new Date(c.startedAt).toISOString() : undefined,
              ...(u
                ? {
                    cpu: { time: now, usageCoreNanoSeconds: u.usageCoreNanoSeconds },
                    memory: {
                      time: now,
                      usageBytes: u.memoryUsageBytes,
                      workingSetBytes: u.memoryWorkingSetBytes,
                    },
                  }
                : {}),
            };
          }),
      };
    }),
  };
}

import type { Command } from "commander";
import type { DrainFlags } from "../actions/drain.js";
import { ctxFor } from "../ctx-for.js";

/** `cordon`, `uncordon` and `drain`: taking a node out of service and back, as kubectl does. */
export function registerNodeMaintenance(program: Command): void {
  program
    .command("cordon")
    .summary("Mark node as unschedulable")
    .description("Mark node as unschedulable: the scheduler places no new pod on it; its pods stay.")
    .argument("<NODE...>")
    .action(async (_nodes: string[], _flags: unknown, cmd: Command) => {
      const { runCordon } = await import("../actions/cordon.js");
      await runCordon(await ctxFor(cmd), cmd.args, true);
    });
  program
    .command("uncordon")
    .summary("Mark node as schedulable")
    .description("Mark node as schedulable again.")
    .argument("<NODE...>")
    .action(async (_nodes: string[], _flags: unknown, cmd: Command) => {
      const { runCordon } = await import("../actions/cordon.js");
      await runCordon(await ctxFor(cmd), cmd.args, false);
    });
  program
    .command("drain")
    .summary("Drain node in preparation for maintenance")
    .description(
      "Drain node in preparation for maintenance: cordon it, then evict its pods through the eviction API, which honours PodDisruptionBudgets (a refused eviction is retried every 5 s), and wait for them to be gone. Pods without a controller, pods with emptyDir data and DaemonSet pods stop the drain unless --force, --delete-emptydir-data or --ignore-daemonsets say otherwise; mirror pods are left alone.",
    )
    .argument("<NODE...>")
    .option("--force", "Continue even if there are pods that do not declare a controller")
    .option("--ignore-daemonsets", "Ignore DaemonSet-managed pods")
    .option(
      "--delete-emptydir-data",
      "Continue even if there are pods using emptyDir (local data that will be deleted when the node is drained)",
    )
    .option(
      "--grace-period <seconds>",
      "Period of time in seconds given to each pod to terminate gracefully. If negative, the default value specified in the pod will be used.",
      "-1",
    )
    .option("--timeout <duration>", "The length of time to wait before giving up, zero means infinite", "0s")
    .option("--pod-selector <selector>", "Label selector to filter pods on the node")
    .action(async (_nodes: string[], flags: DrainFlags, cmd: Command) => {
      const { runDrain } = await import("../actions/drain.js");
      await runDrain(await ctxFor(cmd), cmd.args, flags);
    });
}

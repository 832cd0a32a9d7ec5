import { hostname } from "node:os";
import { Client, loadClientConfig } from "@minik8s/client";
import { CONTROLLER_NAMES, ControllerManager, parseControllerNames } from "@minik8s/controller-manager";
import type { Command } from "commander";
import { pino } from "pino";
import { stopOnSignals } from "../signals.js";

interface ControllerManagerFlags {
  server?: string;
  kubeconfig?: string;
  controllers: string;
  leaderElect?: boolean;
  workers: string;
  logLevel: string;
}

/**
 * `minik8s controller-manager`: the control loops (ReplicaSets, Deployments, garbage
 * collection, namespaces) in one process. With --leader-elect, several can run; only the
 * holder of the kube-system/minik8s-controller-manager Lease acts.
 */
export function registerControllerManager(program: Command): void {
  program
    .command("controller-manager")
    .description("run the controllers that make what runs match what was declared")
    .option("--server <url>", "the apiserver (overrides the kubeconfig's)")
    .option("--kubeconfig <file>", "the kubeconfig to read (default: $KUBECONFIG or ~/.kube/config)")
    .option(
      "--controllers <names>",
      `comma-separated, from ${CONTROLLER_NAMES.join(",")}`,
      CONTROLLER_NAMES.join(","),
    )
    .option("--leader-elect", "act only while holding the kube-system/minik8s-controller-manager Lease")
    .option("--workers <n>", "keys each controller works on at once", "5")
    .option("--log-level <level>", "trace, debug, info, warn or error", "info")
    .action(async (flags: ControllerManagerFlags) => {
      const controllers = parseControllerNames(flags.controllers);
      if (controllers instanceof Error) throw new Error(`--controllers: ${controllers.message}`);
      const workers = Number(flags.workers);
      if (!Number.isInteger(workers) || workers < 1) {
        throw new Error(`--workers: want a positive integer, got ${flags.workers}`);
      }
      const log = pino({ name: "controller-manager", level: flags.logLevel }, pino.destination(2));
      const client = new Client(
        await loadClientConfig({ server: flags.server, kubeconfig: flags.kubeconfig }),
      );
      const identity = `${hostname()}_${process.pid}`;
      const manager = new ControllerManager({
        client,
        controllers,
        leaderElect: flags.leaderElect ?? false,
        identity,
        workers,
        logger: log,
      });
      manager.start();
      log.info(
        { server: client.server, identity, controllers, leaderElect: flags.leaderElect ?? false },
        "controller-manager started",
      );
      stopOnSignals(async () => {
        await manager.stop();
        client.close();
      });
    });
}

import { readFile } from "node:fs/promises";
import { Client, loadClientConfig } from "@minik8s/client";
import {
  DEFAULT_BIND_CONCURRENCY,
  defaultSchedulerConfig,
  loadSchedulerConfig,
  profilesFromConfig,
  type SchedulerConfig,
  startScheduler,
} from "@minik8s/scheduler";
import type { Command } from "commander";
import { pino } from "pino";
import { stopOnSignals } from "../signals.js";

interface SchedulerFlags {
  server?: string;
  kubeconfig?: string;
  config?: string;
  leaderElect?: boolean;
  bindConcurrency: string;
  logLevel: string;
}

/**
 * `minik8s scheduler`: watches pods without a node whose schedulerName is one of its profiles',
 * and binds each to a node. With --leader-elect, several can run; only the Lease holder binds.
 */
export function registerScheduler(program: Command): void {
  program
    .command("scheduler")
    .description("assign pending pods to nodes (the kube-scheduler)")
    .option("--server <url>", "the apiserver (overrides the kubeconfig's)")
    .option("--kubeconfig <file>", "the kubeconfig to read (default: $KUBECONFIG or ~/.kube/config)")
    .option("--config <file>", "a KubeSchedulerConfiguration (YAML or JSON): profiles and plugins")
    .option("--leader-elect", "schedule only while holding the kube-system/minik8s-scheduler Lease")
    .option("--bind-concurrency <n>", "bindings in flight at once", String(DEFAULT_BIND_CONCURRENCY))
    .option("--log-level <level>", "trace, debug (each decision explained), info, warn or error", "info")
    .action(async (flags: SchedulerFlags) => {
      const bindConcurrency = Number(flags.bindConcurrency);
      if (!Number.isInteger(bindConcurrency) || bindConcurrency < 1) {
        throw new Error(`--bind-concurrency: want a positive integer, got ${flags.bindConcurrency}`);
      }
      const log = pino({ name: "scheduler", level: flags.logLevel }, pino.destination(2));
      const config = await readConfig(flags.config);
      const client = new Client(
        await loadClientConfig({ server: flags.server, kubeconfig: flags.kubeconfig }),
      );
      const running = await startScheduler({
        client,
        profiles: profilesFromConfig(config),
        queue: {
          initialBackoffMs: config.podInitialBackoffSeconds * 1000,
          maxBackoffMs: config.podMaxBackoffSeconds * 1000,
        },
        leaderElect: flags.leaderElect ?? false,
        bindConcurrency,
        explain: log.isLevelEnabled("debug"),
        logger: log,
      });
      log.info(
        {
          server: client.server,
          identity: running.identity,
          profiles: config.profiles.map((p) => p.schedulerName),
          leaderElect: flags.leaderElect ?? false,
        },
        "scheduler started",
      );
      stopOnSignals(async () => {
        await running.stop();
        client.close();
      });
    });
}

/** The --config file, or the defaults (default-scheduler and gpu-binpack) without one. */
async function readConfig(file: string | undefined): Promise<SchedulerConfig> {
  if (!file) return defaultSchedulerConfig();
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new Error(`--config ${file}: ${(err as Error).message}`);
  }
  return loadSchedulerConfig(text);
}

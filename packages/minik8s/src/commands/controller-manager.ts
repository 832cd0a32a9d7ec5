import { hostname } from "node:os";
import { DEFAULT_CLUSTER_CIDR, DEFAULT_NODE_CIDR_MASK } from "@minik8s/api";
import { Client, loadClientConfig } from "@minik8s/client";
import {
  CidrSet,
  CONTROLLER_NAMES,
  ControllerManager,
  parseControllerNames,
} from "@minik8s/controller-manager";
import type { Command } from "commander";
import { pino } from "pino";
import { parseDurationFlag, parseNumberFlag } from "../duration.js";
import { stopOnSignals } from "../signals.js";

interface ControllerManagerFlags {
  server?: string;
  kubeconfig?: string;
  controllers: string;
  leaderElect?: boolean;
  workers: string;
  clusterCidr: string;
  nodeCidrMaskSize: string;
  nodeMonitorGracePeriod: string;
  nodeStartupGracePeriod: string;
  nodeMonitorPeriod: string;
  nodeEvictionRate: string;
  unhealthyZoneThreshold: string;
  zoneDisruptionGuard: boolean;
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
    .option(
      "--cluster-cidr <cidr>",
      "the pod network the node IPAM controller cuts into node pod CIDRs",
      DEFAULT_CLUSTER_CIDR,
    )
    .option(
      "--node-cidr-mask-size <n>",
      "the prefix length of each node's pod CIDR",
      String(DEFAULT_NODE_CIDR_MASK),
    )
    .option(
      "--node-monitor-grace-period <duration>",
      "silence after which a node is Unknown and tainted",
      "40s",
    )
    .option("--node-startup-grace-period <duration>", "the same for a node that never posted Ready", "1m")
    .option("--node-monitor-period <duration>", "how often each node's health is looked at", "5s")
    .option("--node-eviction-rate <n>", "nodes per second tainted NoExecute (their pods evicted)", "3")
    .option(
      "--unhealthy-zone-threshold <fraction>",
      "share of not-ready nodes that stops evictions in a zone",
      "0.55",
    )
    .option(
      "--no-zone-disruption-guard",
      "evict from failed nodes even when most or all nodes failed at once",
    )
    .option("--log-level <level>", "trace, debug, info, warn or error", "info")
    .action(async (flags: ControllerManagerFlags) => {
      const controllers = parseControllerNames(flags.controllers);
      if (controllers instanceof Error) throw new Error(`--controllers: ${controllers.message}`);
      const workers = Number(flags.workers);
      if (!Number.isInteger(workers) || workers < 1) {
        throw new Error(`--workers: want a positive integer, got ${flags.workers}`);
      }
      const nodeCIDRMaskSize = Number(flags.nodeCidrMaskSize);
      if (!Number.isInteger(nodeCIDRMaskSize)) {
        throw new Error(`--node-cidr-mask-size: want an integer, got ${flags.nodeCidrMaskSize}`);
      }
      const cidrs = CidrSet.create(flags.clusterCidr, nodeCIDRMaskSize);
      if (cidrs instanceof Error) throw new Error(`--cluster-cidr/--node-cidr-mask-size: ${cidrs.message}`);
      const nodeLifecycle = {
        gracePeriodMs: parseDurationFlag("--node-monitor-grace-period", flags.nodeMonitorGracePeriod),
        startupGracePeriodMs: parseDurationFlag("--node-startup-grace-period", flags.nodeStartupGracePeriod),
        monitorPeriodMs: parseDurationFlag("--node-monitor-period", flags.nodeMonitorPeriod),
        evictionRate: parseNumberFlag("--node-eviction-rate", flags.nodeEvictionRate),
        unhealthyZoneThreshold: parseNumberFlag("--unhealthy-zone-threshold", flags.unhealthyZoneThreshold),
        zoneDisruptionGuard: flags.zoneDisruptionGuard,
      };
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
        clusterCIDR: flags.clusterCidr,
        nodeCIDRMaskSize,
        nodeLifecycle,
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

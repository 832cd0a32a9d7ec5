import { hostname } from "node:os";
import { DEFAULT_CLUSTER_CIDR } from "@minik8s/api";
import { Client, loadClientConfig } from "@minik8s/client";
import { cleanupIptables, type ProxyMode, SystemIptables, startProxy } from "@minik8s/proxy";
import type { Command } from "commander";
import { pino } from "pino";
import { stopOnSignals } from "../signals.js";

interface ProxyFlags {
  server?: string;
  kubeconfig?: string;
  nodeName: string;
  mode?: string;
  cleanup?: boolean;
  clusterCidr: string;
  dnsAddress?: string;
  dnsPort: string;
  dns: boolean;
  minSyncPeriod: string;
  logLevel: string;
}

/**
 * `minik8s proxy`: the service proxy and cluster DNS of one node (kube-proxy plus a small
 * CoreDNS). `--cleanup` removes every iptables chain and jump it made, and exits.
 */
export function registerProxy(program: Command): void {
  program
    .command("proxy")
    .description("make Services reachable on this node (iptables or userspace) and serve cluster DNS")
    .option("--server <url>", "the apiserver (overrides the kubeconfig's)")
    .option("--kubeconfig <file>", "the kubeconfig to read (default: $KUBECONFIG or ~/.kube/config)")
    .option("--node-name <name>", "this node's name (its podCIDR places the DNS server)", hostname())
    .option("--mode <mode>", "iptables or userspace (default: iptables where it works, else userspace)")
    .option("--cleanup", "remove every iptables chain and jump the proxy made, then exit")
    .option(
      "--cluster-cidr <cidr>",
      "pod addresses; traffic to a ClusterIP from elsewhere is masqueraded",
      DEFAULT_CLUSTER_CIDR,
    )
    .option(
      "--dns-address <ip[:port]>",
      "where cluster DNS listens (default: the gateway of this node's podCIDR, else 127.0.0.1)",
    )
    .option("--dns-port <port>", "the DNS port when --dns-address names none", "53")
    .option("--no-dns", "do not serve cluster DNS")
    .option("--min-sync-period <ms>", "smallest gap between two rule syncs after a burst of 2", "1000")
    .option("--log-level <level>", "trace, debug, info, warn or error", "info")
    .action(async (flags: ProxyFlags) => {
      const log = pino({ name: "proxy", level: flags.logLevel }, pino.destination(2));
      if (flags.cleanup) {
        const removed = await cleanupIptables(new SystemIptables());
        process.stdout.write(
          removed.length
            ? `removed ${removed.length} chains: ${removed.join(" ")}\n`
            : "no proxy chains to remove\n",
        );
        return;
      }
      if (flags.mode !== undefined && flags.mode !== "iptables" && flags.mode !== "userspace") {
        throw new Error(`--mode: want iptables or userspace, got ${JSON.stringify(flags.mode)}`);
      }
      const dnsPort = Number(flags.dnsPort);
      if (!Number.isInteger(dnsPort) || dnsPort < 0 || dnsPort > 65535) {
        throw new Error(`--dns-port: want 0-65535, got ${flags.dnsPort}`);
      }
      const minSync = Number(flags.minSyncPeriod);
      if (!Number.isFinite(minSync) || minSync < 0) {
        throw new Error(`--min-sync-period: want milliseconds, got ${flags.minSyncPeriod}`);
      }
      const client = new Client(
        await loadClientConfig({ server: flags.server, kubeconfig: flags.kubeconfig }),
      );
      const proxy = await startProxy({
        client,
        nodeName: flags.nodeName,
        mode: flags.mode as ProxyMode | undefined,
        clusterCIDR: flags.clusterCidr,
        minSyncPeriodMs: minSync,
        dns: flags.dns
          ? { ...(flags.dnsAddress ? { address: flags.dnsAddress } : {}), port: dnsPort }
          : false,
        logger: log,
      });
      log.info({ server: client.server, node: flags.nodeName, mode: proxy.mode }, "proxy started");
      if (proxy.mode === "userspace" && process.getuid?.() !== 0) {
        log.warn({}, "userspace mode without root: ClusterIPs are not redirected; only NodePorts answer");
      }
      stopOnSignals(async () => {
        await proxy.stop();
        client.close();
      });
    });
}

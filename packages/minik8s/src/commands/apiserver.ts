import { startApiServer } from "@minik8s/apiserver";
import type { Command } from "commander";
import { parseNumberFlag } from "../duration.js";
import { parseListen } from "../listen.js";
import { stopOnSignals } from "../signals.js";

export function registerApiserver(program: Command): void {
  program
    .command("apiserver")
    .description("serve the Kubernetes API over an embedded LevelDB store")
    .option("--data-dir <dir>", "where the store keeps its data", ".minik8s/data")
    .option("--listen <host:port>", "address to serve on (plain HTTP: keep it on loopback)", "127.0.0.1:6443")
    .option("--service-cluster-ip-range <cidr>", "the range Service ClusterIPs come from", "10.96.0.0/12")
    .option("--service-node-port-range <range>", "the range NodePorts come from", "30000-32767")
    .option(
      "--default-not-ready-toleration-seconds <n>",
      "how long new pods tolerate a not-ready node",
      "300",
    )
    .option(
      "--default-unreachable-toleration-seconds <n>",
      "how long new pods tolerate an unreachable node",
      "300",
    )
    .option("--log-level <level>", "trace, debug, info, warn or error", "info")
    .action(
      async (opts: {
        dataDir: string;
        listen: string;
        serviceClusterIpRange: string;
        serviceNodePortRange: string;
        defaultNotReadyTolerationSeconds: string;
        defaultUnreachableTolerationSeconds: string;
        logLevel: string;
      }) => {
        const { host, port } = parseListen(opts.listen);
        const [min, max] = opts.serviceNodePortRange.split("-").map(Number);
        if (!Number.isInteger(min) || !Number.isInteger(max) || min! > max!) {
          throw new Error(
            `--service-node-port-range: want MIN-MAX, got ${JSON.stringify(opts.serviceNodePortRange)}`,
          );
        }
        const server = await startApiServer({
          dataDir: opts.dataDir,
          host,
          port,
          serviceClusterIpRange: opts.serviceClusterIpRange,
          nodePortRange: [min!, max!],
          defaultTolerations: {
            notReadySeconds: parseNumberFlag(
              "--default-not-ready-toleration-seconds",
              opts.defaultNotReadyTolerationSeconds,
            ),
            unreachableSeconds: parseNumberFlag(
              "--default-unreachable-toleration-seconds",
              opts.defaultUnreachableTolerationSeconds,
            ),
          },
          logLevel: opts.logLevel,
        });
        stopOnSignals(() => server.close());
      },
    );
}

import { mkdirSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { resolve } from "node:path";
import type { Command } from "commander";
import { pino } from "pino";
import { startControlPlane, writeAdminKubeconfig } from "../control-plane.js";
import { parseListen } from "../listen.js";
import { progressToStdout as progress } from "../progress.js";
import { stopOnSignals } from "../signals.js";

interface ServerFlags {
  dataDir: string;
  listen: string;
  advertiseUrl?: string;
  logLevel: string;
}

/**
 * `minik8s server`: the control plane of a cluster whose nodes run elsewhere — apiserver,
 * scheduler and controller-manager in one process. Agents on other machines join it with
 * `minik8s agent --server URL`. The API is plain HTTP: listen beyond loopback only on a private
 * network you trust.
 */
export function registerServer(program: Command): void {
  program
    .command("server")
    .description("run the control plane (apiserver, scheduler, controllers) for agents to join")
    .option("--data-dir <dir>", "where the cluster keeps its state", ".minik8s")
    .option(
      "--listen <host:port>",
      "where the apiserver listens (0.0.0.0:6443 for other machines)",
      "127.0.0.1:6443",
    )
    .option("--advertise-url <url>", "the apiserver URL written into the kubeconfig (default: from --listen)")
    .option("--log-level <level>", "trace, debug, info, warn or error", "info")
    .action(async (flags: ServerFlags) => {
      const { host, port } = parseListen(flags.listen);
      const dataDir = resolve(flags.dataDir);
      mkdirSync(dataDir, { recursive: true });
      const log = pino({ level: flags.logLevel }, pino.destination(2));
      const plane = await startControlPlane({ dataDir, host, port, logger: log, progress });
      stopOnSignals(() => plane.stop());
      const kubeconfig = resolve(dataDir, "kubeconfig");
      const url = flags.advertiseUrl ?? (host === "0.0.0.0" ? advertised(port) : plane.server.url);
      await writeAdminKubeconfig(kubeconfig, url);
      progress("kubeconfig", kubeconfig);
      process.stdout.write(
        `\nThe control plane is up. On each node:\n\n  npx minik8s agent --server ${url} --node-name NAME\n\n` +
          `and here: export KUBECONFIG=${kubeconfig}\n`,
      );
    });
}

/** Listening on every address: advertise this machine's first non-loopback IPv4 address. */
function advertised(port: number): string {
  const ip = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
  return `http://${ip ?? "127.0.0.1"}:${port}`;
}

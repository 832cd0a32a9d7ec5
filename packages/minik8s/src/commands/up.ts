import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { startApiServer } from "@minik8s/apiserver";
import {
  emptyKubeConfig,
  setCluster,
  setContext,
  setUser,
  useContext,
  writeKubeConfig,
} from "@minik8s/client";
import type { Command } from "commander";
import { stopOnSignals } from "../signals.js";

interface UpOptions {
  dataDir: string;
  port: string;
  logLevel: string;
}

/**
 * `minik8s up`: the cluster on this machine in one process, with a kubeconfig that mkctl and
 * kubectl both read. Stopping it (Ctrl-C) keeps the data: the next `up` picks up where it left.
 */
export function registerUp(program: Command): void {
  program
    .command("up")
    .description("run a cluster on this machine and write a kubeconfig for mkctl and kubectl")
    .option("--data-dir <dir>", "where the cluster keeps its state", ".minik8s")
    .option("--port <port>", "the apiserver's port on 127.0.0.1", "6443")
    .option("--log-level <level>", "trace, debug, info, warn or error", "warn")
    .action(async (opts: UpOptions) => {
      const dataDir = resolve(opts.dataDir);
      mkdirSync(dataDir, { recursive: true });
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port <= 0 || port > 65535)
        throw new Error(`--port: want 1-65535, got ${opts.port}`);

      progress("apiserver", "starting");
      const server = await startApiServer({
        dataDir: resolve(dataDir, "store"),
        port,
        logLevel: opts.logLevel,
      });
      progress("apiserver", `ready at ${server.url}`);

      const kubeconfig = resolve(dataDir, "kubeconfig");
      let config = emptyKubeConfig();
      config = setCluster(config, "minik8s", { server: server.url });
      config = setUser(config, "admin", {});
      config = setContext(config, "minik8s", { cluster: "minik8s", user: "admin", namespace: "default" });
      await writeKubeConfig(kubeconfig, useContext(config, "minik8s"));
      progress("kubeconfig", kubeconfig);

      process.stdout.write(
        `\nThe cluster is up. In another terminal:\n\n  export KUBECONFIG=${kubeconfig}\n  npx mkctl get namespaces\n  kubectl get all -A\n\nCtrl-C stops it; the next \`minik8s up\` resumes from ${dataDir}.\n`,
      );
      stopOnSignals(() => server.close());
    });
}

function progress(what: string, detail: string): void {
  process.stdout.write(`  ${what.padEnd(12)} ${detail}\n`);
}

import { hostname } from "node:os";
import { resolve } from "node:path";
import { type ApiServer, startApiServer } from "@minik8s/apiserver";
import {
  Client,
  emptyKubeConfig,
  setCluster,
  setContext,
  setUser,
  useContext,
  writeKubeConfig,
} from "@minik8s/client";
import { CONTROLLER_NAMES, ControllerManager } from "@minik8s/controller-manager";
import { defaultSchedulerConfig, profilesFromConfig, startScheduler } from "@minik8s/scheduler";
import type { Logger } from "pino";
import type { Progress } from "./progress.js";

export interface ControlPlaneOptions {
  /** The store lives in `<dataDir>/store`. */
  dataDir: string;
  host: string;
  port: number;
  logger: Logger;
  progress: Progress;
}

export interface ControlPlane {
  server: ApiServer;
  client: Client;
  stop(): Promise<void>;
}

/**
 * The control plane in one process: the apiserver over its LevelDB store, the scheduler and the
 * controller-manager. The scheduler and the controllers reach the apiserver over HTTP like any
 * other client, so this is the same cluster as `minik8s apiserver` + `scheduler` +
 * `controller-manager` run apart; one process just saves a user three terminals. No leader
 * election: there is exactly one of each here.
 */
export async function startControlPlane(o: ControlPlaneOptions): Promise<ControlPlane> {
  o.progress("apiserver", "starting");
  const server = await startApiServer({
    dataDir: resolve(o.dataDir, "store"),
    host: o.host,
    port: o.port,
    logger: o.logger.child({ name: "apiserver" }),
  });
  o.progress("apiserver", `ready at ${server.url}`);
  const client = new Client({ server: server.url });

  const scheduler = await startScheduler({
    client,
    profiles: profilesFromConfig(defaultSchedulerConfig()),
    leaderElect: false,
    logger: o.logger.child({ name: "scheduler" }),
  });
  o.progress("scheduler", "running");

  const manager = new ControllerManager({
    client,
    controllers: [...CONTROLLER_NAMES],
    leaderElect: false,
    identity: `${hostname()}_${process.pid}`,
    workers: 5,
    logger: o.logger.child({ name: "controller-manager" }),
  });
  manager.start();
  o.progress("controllers", CONTROLLER_NAMES.join(", "));

  return {
    server,
    client,
    async stop() {
      await manager.stop();
      await scheduler.stop();
      client.close();
      await server.close();
    },
  };
}

/** A kubeconfig for the cluster's admin, readable by mkctl and kubectl alike. */
export async function writeAdminKubeconfig(path: string, serverUrl: string): Promise<void> {
  let config = emptyKubeConfig();
  config = setCluster(config, "minik8s", { server: serverUrl });
  config = setUser(config, "admin", {});
  config = setContext(config, "minik8s", { cluster: "minik8s", user: "admin", namespace: "default" });
  await writeKubeConfig(path, useContext(config, "minik8s"));
}

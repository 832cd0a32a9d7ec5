import { homedir } from "node:os";
import { join } from "node:path";
import {
  connectionOf,
  kubeconfigPaths,
  type LoadOptions,
  type ResolvedClientConfig,
  readMergedKubeConfig,
  selectKubeConfig,
} from "@minik8s/client";
import { ConfigError } from "./errors.js";

/** The global flags that choose the apiserver and credentials, over what the kubeconfig says. */
export type ConnectionFlags = Omit<LoadOptions, "env">;

/**
 * The server, credentials and namespace a command uses. The client's kubeconfig does the
 * reading and lookups; what is mkctl's own is kubectl's leniency: only a missing `--context` or
 * a missing server is an error, reported in kubectl's words.
 */
export async function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedClientConfig> {
  const paths = kubeconfigPaths(flags.kubeconfig, env);
  const config = await readMergedKubeConfig(paths, { cacheDir: cacheDir(env) });
  const picked = selectKubeConfig(config, flags);
  if (flags.context && !picked.context) {
    throw new ConfigError(`context was not found for specified context: ${flags.context}`);
  }
  const server = flags.server ?? picked.cluster?.server;
  if (!server) {
    throw new ConfigError(
      "no apiserver configured: the kubeconfig has no current context with a cluster server.\n" +
        "Start a cluster with `npm start` or `npx minik8s up` and export KUBECONFIG=.minik8s/kubeconfig as it says, or pass --server http://HOST:PORT.",
    );
  }
  return connectionOf(picked, server, flags);
}

/** kubectl's default `--cache-dir`: parsed kubeconfig files are kept there between commands. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.HOME || homedir(), ".kube", "cache");
}

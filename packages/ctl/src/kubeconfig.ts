import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { parse, stringify } from "yaml";

export interface NamedCluster {
  name: string;
  cluster: {
    server?: string;
    "certificate-authority"?: string;
    "certificate-authority-data"?: string;
    "insecure-skip-tls-verify"?: boolean;
    "tls-server-name"?: string;
  };
}
export interface NamedUser {
  name: string;
  user: {
    token?: string;
    "client-certificate"?: string;
    "client-certificate-data"?: string;
    "client-key"?: string;
    "client-key-data"?: string;
    username?: string;
    password?: string;
  };
}
export interface NamedContext {
  name: string;
  context: { cluster?: string; user?: string; namespace?: string };
}

export interface KubeConfig {
  apiVersion?: string;
  kind?: string;
  clusters: NamedCluster[];
  users: NamedUser[];
  contexts: NamedContext[];
  "current-context"?: string;
  preferences?: Record<string, unknown>;
}

export function emptyConfig(): KubeConfig {
  return { apiVersion: "v1", kind: "Config", clusters: [], users: [], contexts: [], preferences: {} };
}

/**
 * The kubeconfig files in effect, as kubectl picks them: `--kubeconfig`, else each path of
 * `KUBECONFIG`, else `~/.kube/config`.
 */
export function kubeconfigPaths(explicit: string | undefined, env = process.env): string[] {
  if (explicit) return [explicit];
  const list = (env.KUBECONFIG ?? "").split(process.platform === "win32" ? ";" : ":").filter(Boolean);
  if (list.length > 0) return list;
  return [join(env.HOME ?? homedir(), ".kube", "config")];
}

export function readConfigFile(path: string): KubeConfig {
  if (!existsSync(path)) return emptyConfig();
  const raw = (parse(readFileSync(path, "utf8")) ?? {}) as Partial<KubeConfig>;
  return {
    ...emptyConfig(),
    ...raw,
    clusters: raw.clusters ?? [],
    users: raw.users ?? [],
    contexts: raw.contexts ?? [],
  };
}

/** Merges several files as kubectl does: the first file to define a name or current-context wins. */
export function loadMerged(paths: string[]): KubeConfig {
  const merged = emptyConfig();
  for (const path of paths) {
    const cfg = readConfigFile(path);
    if (!merged["current-context"] && cfg["current-context"])
      merged["current-context"] = cfg["current-context"];
    for (const c of cfg.clusters)
      if (!merged.clusters.some((x) => x.name === c.name)) merged.clusters.push(c);
    for (const u of cfg.users) if (!merged.users.some((x) => x.name === u.name)) merged.users.push(u);
    for (const c of cfg.contexts)
      if (!merged.contexts.some((x) => x.name === c.name)) merged.contexts.push(c);
  }
  return merged;
}

export function writeConfigFile(path: string, cfg: KubeConfig): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, stringify(sortKeys(cfg), { indentSeq: false, lineWidth: 0 }), { mode: 0o600 });
}

/**
 * Which file a change to an entry goes to: the file that already defines it, else the first
 * file (kubectl writes new entries to the first file of KUBECONFIG).
 */
export function fileFor(
  paths: string[],
  section: "clusters" | "users" | "contexts" | "current-context",
  name?: string,
): string {
  if (section !== "current-context" && name !== undefined) {
    for (const p of paths) {
      const list = readConfigFile(p)[section] as { name: string }[];
      if (list.some((e) => e.name === name)) return p;
    }
  } else {
    for (const p of paths) if (readConfigFile(p)["current-context"]) return p;
  }
  return paths[0]!;
}

export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out as T;
  }
  return value;
}

export interface ResolvedConfig {
  server: string;
  token?: string | undefined;
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  insecureSkipTLSVerify?: boolean | undefined;
  tlsServerName?: string | undefined;
  namespace: string;
  contextName?: string | undefined;
}

export interface ConnectionFlags {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  server?: string | undefined;
  namespace?: string | undefined;
  cluster?: string | undefined;
  user?: string | undefined;
  token?: string | undefined;
}

export class ConfigError extends Error {}

/** The server, credentials and namespace a command uses, from flags over the kubeconfig. */
export function resolveConfig(flags: ConnectionFlags, env = process.env): ResolvedConfig {
  const cfg = loadMerged(kubeconfigPaths(flags.kubeconfig, env));
  const contextName = flags.context ?? cfg["current-context"];
  const context = cfg.contexts.find((c) => c.name === contextName)?.context;
  if (flags.context && !context)
    throw new ConfigError(`context was not found for specified context: ${flags.context}`);
  const clusterName = flags.cluster ?? context?.cluster;
  const cluster = cfg.clusters.find((c) => c.name === clusterName)?.cluster;
  const userName = flags.user ?? context?.user;
  const user = cfg.users.find((u) => u.name === userName)?.user;
  const server = flags.server ?? cluster?.server;
  if (!server) {
    throw new ConfigError(
      "no apiserver configured: the kubeconfig has no current context with a cluster server.\n" +
        "Start a cluster with `npx minik8s up` (it writes ~/.kube/config), or pass --server http://HOST:PORT.",
    );
  }
  return {
    server,
    token: flags.token ?? user?.token,
    ca: pem(cluster?.["certificate-authority-data"], cluster?.["certificate-authority"]),
    cert: pem(user?.["client-certificate-data"], user?.["client-certificate"]),
    key: pem(user?.["client-key-data"], user?.["client-key"]),
    insecureSkipTLSVerify: cluster?.["insecure-skip-tls-verify"],
    tlsServerName: cluster?.["tls-server-name"],
    namespace: flags.namespace || context?.namespace || "default",
    contextName,
  };
}

/** `*-data` fields hold base64 PEM; the plain fields name a file. */
function pem(data: string | undefined, file: string | undefined): string | undefined {
  if (data) return Buffer.from(data, "base64").toString("utf8");
  if (file) return readFileSync(file, "utf8");
  return undefined;
}

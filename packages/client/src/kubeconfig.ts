import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { cacheDocument, cachedDocument } from "./kubeconfig-cache.js";

// The YAML library is loaded when a file is parsed or written, not with this module: a command
// line tool whose kubeconfig is cached (kubeconfig-cache.ts) starts without it.
const loadYaml = () => import("./kubeconfig-yaml.js");

/**
 * The kubeconfig file as kubectl reads and writes it: named clusters (where), users (who),
 * contexts (a cluster, a user and a default namespace) and the current context. Field names
 * are the file's own, dashes included, so a file round-trips unchanged.
 */
export interface KubeConfigCluster {
  /** Absent only while `config set-cluster` builds an entry up, flag by flag. */
  server?: string;
  "certificate-authority"?: string;
  "certificate-authority-data"?: string;
  "insecure-skip-tls-verify"?: boolean;
  "tls-server-name"?: string;
}

export interface KubeConfigUser {
  token?: string;
  tokenFile?: string;
  "client-certificate"?: string;
  "client-certificate-data"?: string;
  "client-key"?: string;
  "client-key-data"?: string;
  username?: string;
  password?: string;
}

export interface KubeConfigContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

export interface KubeConfig {
  apiVersion: "v1";
  kind: "Config";
  clusters: { name: string; cluster: KubeConfigCluster }[];
  users: { name: string; user: KubeConfigUser }[];
  contexts: { name: string; context: KubeConfigContext }[];
  "current-context"?: string;
  preferences?: Record<string, unknown>;
}

/** What a Client needs, resolved from a kubeconfig context and command-line overrides. */
export interface ResolvedClientConfig {
  server: string;
  token?: string;
  ca?: string;
  cert?: string;
  key?: string;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  namespace: string;
  /** The context used, when one was. */
  context?: string;
}

export interface LoadOptions {
  /** An explicit file (`--kubeconfig`): the only one read. */
  kubeconfig?: string | undefined;
  /** A context other than the current one (`--context`). */
  context?: string | undefined;
  /** Overrides the context's server (`--server`); with no kubeconfig at all, it is enough alone. */
  server?: string | undefined;
  /** Overrides the context's namespace (`-n`). */
  namespace?: string | undefined;
  /** Overrides the context's cluster and user by name (`--cluster`, `--user`). */
  cluster?: string | undefined;
  user?: string | undefined;
  /** Overrides the user's bearer token (`--token`). */
  token?: string | undefined;
  /** Defaults to process.env; tests pass their own. */
  env?: Record<string, string | undefined>;
}

export function emptyKubeConfig(): KubeConfig {
  return { apiVersion: "v1", kind: "Config", clusters: [], users: [], contexts: [] };
}

export function defaultKubeConfigPath(env: Record<string, string | undefined> = process.env): string {
  return join(env.HOME || homedir(), ".kube", "config");
}

/**
 * The files to read, in order: the explicit one, else every file in KUBECONFIG (a
 * colon-separated list, `;` on Windows), else `~/.kube/config`.
 */
export function kubeconfigPaths(
  explicit?: string,
  env: Record<string, string | undefined> = process.env,
): string[] {
  if (explicit) return [explicit];
  const list = (env.KUBECONFIG ?? "").split(delimiter).filter((p) => p !== "");
  return list.length > 0 ? list : [defaultKubeConfigPath(env)];
}

/** What a `config` verb changes: a named entry of one list, or the current context. */
export type KubeConfigEntry = { list: "clusters" | "users" | "contexts"; name: string } | "current-context";

/**
 * The file that `config set-*` verbs change, as kubectl picks it: the explicit one; else the file
 * that already holds the entry (for the current context, the first file that sets one); else the
 * first file in the list, where kubectl adds new entries.
 */
export async function kubeconfigPathForWrite(
  explicit?: string,
  env: Record<string, string | undefined> = process.env,
  entry?: KubeConfigEntry,
): Promise<string> {
  const paths = kubeconfigPaths(explicit, env);
  if (entry !== undefined) {
    for (const path of paths) {
      const config = await readKubeConfig(path, { resolvePaths: false });
      const holds =
        entry === "current-context"
          ? Boolean(config["current-context"])
          : (config[entry.list] as { name: string }[]).some((e) => e.name === entry.name);
      if (holds) return path;
    }
  }
  return paths[0] as string;
}

export interface ParseOptions {
  /**
   * Default true: relative file references (`certificate-authority: ca.crt`) are made absolute
   * against the file's folder, as kubectl resolves them, so merged configs keep working. A file
   * read to be changed and written back keeps them as they are.
   */
  resolvePaths?: boolean;
  /**
   * Where parsed files are kept between runs (kubectl's `--cache-dir`, `~/.kube/cache`); unset,
   * nothing is cached. For command line tools, which start once per command.
   */
  cacheDir?: string | undefined;
}

/** Parses one file's text (YAML, or JSON, which is YAML too). */
export async function parseKubeConfig(
  text: string,
  path = "kubeconfig",
  opts: ParseOptions = {},
): Promise<KubeConfig> {
  const cached = opts.cacheDir ? cachedDocument(opts.cacheDir, path, text) : undefined;
  let raw = cached?.document;
  if (!cached) {
    const { parse } = await loadYaml();
    try {
      raw = parse(text);
    } catch (err) {
      throw new Error(`${path}: not valid YAML: ${(err as Error).message}`);
    }
    if (opts.cacheDir) cacheDocument(opts.cacheDir, path, text, raw);
  }
  return kubeConfigOf(raw, path, opts);
}

/** Checks a parsed document's shape and makes it a KubeConfig. */
function kubeConfigOf(raw: unknown, path: string, opts: ParseOptions): KubeConfig {
  if (raw === null || raw === undefined) return emptyKubeConfig();
  if (typeof raw !== "object" || Array.isArray(raw))
    throw new Error(`${path}: a kubeconfig must be a mapping`);
  const doc = raw as Record<string, unknown>;
  const config: KubeConfig = {
    ...emptyKubeConfig(),
    clusters: namedList(doc.clusters, "cluster", path) as KubeConfig["clusters"],
    users: namedList(doc.users, "user", path) as KubeConfig["users"],
    contexts: namedList(doc.contexts, "context", path) as KubeConfig["contexts"],
  };
  if (typeof doc["current-context"] === "string" && doc["current-context"] !== "") {
    config["current-context"] = doc["current-context"];
  }
  if (doc.preferences && typeof doc.preferences === "object") {
    config.preferences = doc.preferences as Record<string, unknown>;
  }
  if (opts.resolvePaths === false) return config;
  const base = dirname(resolve(path));
  const absolute = (p: string | undefined) => (p && !isAbsolute(p) ? join(base, p) : p);
  for (const { cluster } of config.clusters) {
    if (cluster["certificate-authority"]) {
      cluster["certificate-authority"] = absolute(cluster["certificate-authority"]);
    }
  }
  for (const { user } of config.users) {
    for (const field of ["client-certificate", "client-key", "tokenFile"] as const) {
      if (user[field]) user[field] = absolute(user[field]);
    }
  }
  return config;
}

function namedList(value: unknown, field: string, path: string): { name: string }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`${path}: ${field}s must be a list`);
  return value.map((entry, i) => {
    if (!entry || typeof entry !== "object" || typeof entry.name !== "string") {
      throw new Error(`${path}: ${field}s[${i}] needs a name`);
    }
    const inner = entry[field];
    if (inner !== undefined && (typeof inner !== "object" || inner === null)) {
      throw new Error(`${path}: ${field}s[${i}].${field} must be a mapping`);
    }
    return { name: entry.name, [field]: { ...(inner ?? {}) } };
  });
}

/**
 * Reads one file; a missing file is an empty config, as for kubectl. The read itself is
 * synchronous: a few small files, read before anything else can happen.
 */
export async function readKubeConfig(path: string, opts: ParseOptions = {}): Promise<KubeConfig> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyKubeConfig();
    throw err;
  }
  return parseKubeConfig(text, path, opts);
}

/**
 * Merges several files: the first file that names a cluster, user or context wins for that
 * name, and the first current-context set wins, which is kubectl's rule for KUBECONFIG.
 */
export function mergeKubeConfigs(configs: readonly KubeConfig[]): KubeConfig {
  const merged = emptyKubeConfig();
  for (const config of configs) {
    for (const list of ["clusters", "users", "contexts"] as const) {
      const target = merged[list] as { name: string }[];
      for (const entry of config[list]) {
        if (!target.some((e) => e.name === entry.name)) target.push(entry);
      }
    }
    if (!merged["current-context"] && config["current-context"]) {
      merged["current-context"] = config["current-context"];
    }
  }
  return merged;
}

/** Reads and merges files, a missing one counting as empty. */
export async function readMergedKubeConfig(
  paths: readonly string[],
  opts: ParseOptions = {},
): Promise<KubeConfig> {
  const configs: KubeConfig[] = [];
  for (const path of paths) configs.push(await readKubeConfig(path, opts));
  return mergeKubeConfigs(configs);
}

/** Reads and merges the kubeconfig files `kubeconfigPaths` names; an explicit file must exist. */
export async function loadKubeConfig(
  opts: { kubeconfig?: string | undefined; env?: Record<string, string | undefined> } = {},
): Promise<KubeConfig> {
  const paths = kubeconfigPaths(opts.kubeconfig, opts.env ?? process.env);
  if (opts.kubeconfig && !existsSync(opts.kubeconfig)) {
    throw new Error(`kubeconfig ${opts.kubeconfig} does not exist`);
  }
  return readMergedKubeConfig(paths);
}

/**
 * Resolves the connection settings a Client needs: the chosen context's cluster and user, with
 * `server` and `namespace` overrides. Certificates and keys are read into PEM text here, so an
 * unreadable file fails now with its path rather than later as a TLS error.
 */
export async function loadClientConfig(opts: LoadOptions = {}): Promise<ResolvedClientConfig> {
  const env = opts.env ?? process.env;
  const config = await loadKubeConfig({ kubeconfig: opts.kubeconfig, env });
  return resolveClientConfig(config, opts, kubeconfigPaths(opts.kubeconfig, env));
}

export function resolveClientConfig(
  config: KubeConfig,
  opts: LoadOptions = {},
  paths: string[] = [],
): ResolvedClientConfig {
  const picked = selectKubeConfig(config, opts);
  const { contextName, context } = picked;
  if (!contextName) {
    if (opts.server) return connectionOf(picked, opts.server, opts);
    throw new Error(
      `no current context in ${paths.join(", ") || "the kubeconfig"} and no --server given: start a cluster with \`npx minik8s up\` (it writes a kubeconfig), or pass --server`,
    );
  }
  if (!context) throw new Error(`context "${contextName}" is not in ${paths.join(", ") || "the kubeconfig"}`);
  if (!picked.cluster && !opts.server) {
    throw new Error(`context "${contextName}" names cluster "${picked.clusterName}", which is not defined`);
  }
  if (picked.userName && !picked.user) {
    throw new Error(`context "${contextName}" names user "${picked.userName}", which is not defined`);
  }
  const server = opts.server ?? picked.cluster?.server;
  if (!server) throw new Error(`cluster "${picked.clusterName}" has no server`);
  return connectionOf(picked, server, opts);
}

/** The context, cluster and user that the options pick; each undefined where the kubeconfig lacks it. */
export interface KubeConfigSelection {
  contextName?: string | undefined;
  context?: KubeConfigContext | undefined;
  clusterName?: string | undefined;
  cluster?: KubeConfigCluster | undefined;
  userName?: string | undefined;
  user?: KubeConfigUser | undefined;
}

/** Looks the chosen context up, then its cluster and user, `--cluster` and `--user` winning. */
export function selectKubeConfig(config: KubeConfig, opts: LoadOptions = {}): KubeConfigSelection {
  const contextName = opts.context ?? config["current-context"];
  const context = config.contexts.find((c) => c.name === contextName)?.context;
  const clusterName = opts.cluster ?? context?.cluster;
  const userName = opts.user ?? context?.user;
  return {
    contextName,
    context,
    clusterName,
    cluster: config.clusters.find((c) => c.name === clusterName)?.cluster,
    userName,
    user: userName ? config.users.find((u) => u.name === userName)?.user : undefined,
  };
}

/**
 * The connection settings of a selection, once the caller has settled the server. Certificates
 * and keys are read into PEM text here, so an unreadable file fails now with its path rather
 * than later as a TLS error.
 */
export function connectionOf(
  picked: KubeConfigSelection,
  server: string,
  opts: Pick<LoadOptions, "namespace" | "token"> = {},
): ResolvedClientConfig {
  const { context, cluster, user } = picked;
  const out: ResolvedClientConfig = { server, namespace: opts.namespace || context?.namespace || "default" };
  if (context) out.context = picked.contextName as string;
  const ca = pem(cluster?.["certificate-authority-data"], cluster?.["certificate-authority"]);
  if (ca) out.ca = ca;
  if (cluster?.["insecure-skip-tls-verify"]) out.insecureSkipTLSVerify = true;
  if (cluster?.["tls-server-name"]) out.tlsServerName = cluster["tls-server-name"];
  const token =
    opts.token ??
    user?.token ??
    (user?.tokenFile ? readText(user.tokenFile, "token file").trim() : undefined);
  if (token) out.token = token;
  const cert = pem(user?.["client-certificate-data"], user?.["client-certificate"]);
  if (cert) out.cert = cert;
  const key = pem(user?.["client-key-data"], user?.["client-key"]);
  if (key) out.key = key;
  return out;
}

/** `*-data` fields hold base64 PEM; the plain fields name a file. */
function pem(data: string | undefined, file: string | undefined): string | undefined {
  if (data) return Buffer.from(data, "base64").toString("utf8");
  if (file) return readText(file, "certificate file");
  return undefined;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

/**
 * Writes a kubeconfig readable by its owner only (0600): it holds credentials. The layout is
 * kubectl's: keys sorted (Go marshals them in order) and lists not indented under their key.
 */
export async function writeKubeConfig(path: string, config: KubeConfig): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const doc: Record<string, unknown> = {
    apiVersion: "v1",
    kind: "Config",
    clusters: config.clusters,
    users: config.users,
    contexts: config.contexts,
    "current-context": config["current-context"] ?? "",
    preferences: config.preferences ?? {},
  };
  // Write beside and rename, so a crash never leaves half a file where credentials were.
  const tmp = `${path}.${process.pid}.tmp`;
  const { stringify } = await loadYaml();
  await writeFile(tmp, stringify(doc, { sortMapEntries: true, indentSeq: false, lineWidth: 0 }), {
    mode: 0o600,
  });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/**
 * Reads one file, applies a change and writes it back: how `config set-*` verbs work. Relative
 * file references stay relative, as kubectl keeps them.
 */
export async function modifyKubeConfig(
  path: string,
  change: (config: KubeConfig) => KubeConfig,
): Promise<KubeConfig> {
  const next = change(await readKubeConfig(path, { resolvePaths: false }));
  await writeKubeConfig(path, next);
  return next;
}

function upsert<T extends { name: string }>(list: readonly T[], entry: T): T[] {
  const i = list.findIndex((e) => e.name === entry.name);
  if (i < 0) return [...list, entry];
  const copy = [...list];
  copy[i] = entry;
  return copy;
}

/** `config set-cluster`: fields given are set, others kept (as kubectl merges). */
export function setCluster(config: KubeConfig, name: string, fields: Partial<KubeConfigCluster>): KubeConfig {
  const current = config.clusters.find((c) => c.name === name)?.cluster;
  const cluster = { ...current, ...defined(fields) };
  return { ...config, clusters: upsert(config.clusters, { name, cluster }) };
}

/** `config set-credentials`. */
export function setUser(config: KubeConfig, name: string, fields: Partial<KubeConfigUser>): KubeConfig {
  const current = config.users.find((u) => u.name === name)?.user;
  const user = { ...current, ...defined(fields) };
  return { ...config, users: upsert(config.users, { name, user }) };
}

/** `config set-context`. */
export function setContext(config: KubeConfig, name: string, fields: Partial<KubeConfigContext>): KubeConfig {
  const current = config.contexts.find((c) => c.name === name)?.context;
  const context = { ...current, ...defined(fields) };
  return { ...config, contexts: upsert(config.contexts, { name, context }) };
}

/** `config use-context`: the context must exist. */
export function useContext(config: KubeConfig, name: string): KubeConfig {
  if (!config.contexts.some((c) => c.name === name)) {
    throw new Error(`no context exists with the name "${name}"`);
  }
  return { ...config, "current-context": name };
}

/** `config delete-context`: as kubectl, a current-context naming it is left for the user to change. */
export function deleteContext(config: KubeConfig, name: string): KubeConfig {
  return { ...config, contexts: config.contexts.filter((c) => c.name !== name) };
}

function defined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

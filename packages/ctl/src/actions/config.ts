import {
  deleteContext,
  type KubeConfig,
  type KubeConfigEntry,
  kubeconfigPathForWrite,
  kubeconfigPaths,
  modifyKubeConfig,
  readKubeConfig,
  readMergedKubeConfig,
  setCluster,
  setContext,
  setUser,
} from "@minik8s/client";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import { formatColumns } from "../printers/tabwriter.js";
import { toJson, toYaml } from "../printers/yaml-printer.js";

/** The kubeconfig files in effect, merged, their file references shown as the files write them. */
function merged(ctx: Ctx): Promise<KubeConfig> {
  return readMergedKubeConfig(kubeconfigPaths(ctx.flags.kubeconfig, ctx.io.env), { resolvePaths: false });
}

/** The file a change to `entry` goes to, as kubectl picks it. */
function fileFor(ctx: Ctx, entry: KubeConfigEntry): Promise<string> {
  return kubeconfigPathForWrite(ctx.flags.kubeconfig, ctx.io.env, entry);
}

function nullIfEmpty<T>(list: T[]): T[] | null {
  return list.length ? list : null;
}

function minify(cfg: KubeConfig, contextName?: string): KubeConfig {
  const name = contextName ?? cfg["current-context"];
  const context = cfg.contexts.find((c) => c.name === name);
  if (!context) throw new CliError("current-context must exist in order to minify");
  return {
    ...cfg,
    "current-context": name,
    contexts: [context],
    clusters: cfg.clusters.filter((c) => c.name === context.context.cluster),
    users: cfg.users.filter((u) => u.name === context.context.user),
  };
}

/** What `config view` hides without --raw: certificate data and secrets. */
function redact(cfg: KubeConfig): KubeConfig {
  const copy = structuredClone(cfg);
  for (const c of copy.clusters)
    if (c.cluster["certificate-authority-data"]) c.cluster["certificate-authority-data"] = "DATA+OMITTED";
  for (const u of copy.users) {
    if (u.user.token) u.user.token = "REDACTED";
    if (u.user.password) u.user.password = "REDACTED";
    if (u.user["client-certificate-data"]) u.user["client-certificate-data"] = "DATA+OMITTED";
    if (u.user["client-key-data"]) u.user["client-key-data"] = "DATA+OMITTED";
  }
  return copy;
}

export interface ViewFlags {
  raw?: boolean;
  minify?: boolean;
  output: string;
}

export async function runView(ctx: Ctx, flags: ViewFlags): Promise<void> {
  let cfg = await merged(ctx);
  if (flags.minify) cfg = minify(cfg, ctx.flags.context);
  if (!flags.raw) cfg = redact(cfg);
  const doc = {
    ...cfg,
    clusters: nullIfEmpty(cfg.clusters),
    contexts: nullIfEmpty(cfg.contexts),
    users: nullIfEmpty(cfg.users),
    "current-context": cfg["current-context"] ?? "",
    preferences: cfg.preferences ?? {},
  };
  ctx.out(flags.output === "json" ? toJson(doc) : toYaml(doc));
}

export async function runGetContexts(
  ctx: Ctx,
  name: string | undefined,
  flags: { headers: boolean; output?: string },
): Promise<void> {
  const cfg = await merged(ctx);
  const contexts = name ? cfg.contexts.filter((c) => c.name === name) : cfg.contexts;
  if (name && contexts.length === 0) throw new CliError(`context ${name} not found`);
  if (flags.output === "name") {
    ctx.out(contexts.map((c) => `${c.name}\n`).join(""));
    return;
  }
  const rows = contexts.map((c) => [
    c.name === cfg["current-context"] ? "*" : "",
    c.name,
    c.context.cluster ?? "",
    c.context.user ?? "",
    c.context.namespace ?? "",
  ]);
  ctx.out(
    formatColumns(flags.headers ? [["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"], ...rows] : rows),
  );
}

export async function runCurrentContext(ctx: Ctx): Promise<void> {
  const current = (await merged(ctx))["current-context"];
  if (!current) throw new CliError("current-context is not set");
  ctx.out(`${current}\n`);
}

export async function runUseContext(ctx: Ctx, name: string): Promise<void> {
  if (!(await merged(ctx)).contexts.some((c) => c.name === name))
    throw new CliError(`no context exists with the name: "${name}"`);
  await modifyKubeConfig(await fileFor(ctx, "current-context"), (cfg) => ({
    ...cfg,
    "current-context": name,
  }));
  ctx.out(`Switched to context "${name}".\n`);
}

export interface SetContextFlags {
  current?: boolean;
  cluster?: string;
  user?: string;
  namespace?: string;
}

/** `local` are the subcommand's own flags: its --namespace shadows the global -n, as in kubectl. */
export async function runSetContext(
  ctx: Ctx,
  name: string | undefined,
  local: SetContextFlags,
): Promise<void> {
  let target = name;
  if (local.current) {
    if (name) throw new CliError("you cannot specify both a context name and --current");
    target = (await merged(ctx))["current-context"];
    if (!target) throw new CliError("no current context is set");
  }
  if (!target) throw new CliError("you must specify a non-empty context name or --current");
  let created = false;
  const entry = target;
  await modifyKubeConfig(await fileFor(ctx, { list: "contexts", name: entry }), (cfg) => {
    created = !cfg.contexts.some((c) => c.name === entry);
    return setContext(cfg, entry, {
      cluster: local.cluster,
      user: local.user,
      namespace: local.namespace,
    });
  });
  ctx.out(`Context "${target}" ${created ? "created" : "modified"}.\n`);
}

export interface SetClusterFlags {
  server?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: string | boolean;
  tlsServerName?: string;
}

export async function runSetCluster(ctx: Ctx, name: string, local: SetClusterFlags): Promise<void> {
  const insecure = local.insecureSkipTlsVerify;
  await modifyKubeConfig(await fileFor(ctx, { list: "clusters", name }), (cfg) =>
    setCluster(cfg, name, {
      server: local.server,
      "certificate-authority": local.certificateAuthority,
      "insecure-skip-tls-verify": insecure === undefined ? undefined : insecure !== "false",
      "tls-server-name": local.tlsServerName,
    }),
  );
  ctx.out(`Cluster "${name}" set.\n`);
}

export interface SetCredentialsFlags {
  token?: string;
  clientCertificate?: string;
  clientKey?: string;
  username?: string;
  password?: string;
}

export async function runSetCredentials(ctx: Ctx, name: string, local: SetCredentialsFlags): Promise<void> {
  await modifyKubeConfig(await fileFor(ctx, { list: "users", name }), (cfg) =>
    setUser(cfg, name, {
      token: local.token,
      "client-certificate": local.clientCertificate,
      "client-key": local.clientKey,
      username: local.username,
      password: local.password,
    }),
  );
  ctx.out(`User "${name}" set.\n`);
}

export async function runDeleteContext(ctx: Ctx, name: string): Promise<void> {
  const file = await fileFor(ctx, { list: "contexts", name });
  if (!(await readKubeConfig(file)).contexts.some((c) => c.name === name))
    throw new CliError(`cannot delete context ${name}, not in ${file}`);
  await modifyKubeConfig(file, (cfg) => deleteContext(cfg, name));
  ctx.out(`deleted context ${name} from ${file}\n`);
}

import {
  deleteContext,
  type KubeConfig,
  type KubeConfigEntry,
  kubeconfigPathForWrite,
  kubeconfigPaths,
  modifyKubeConfig,
  readKubeConfigFile,
  readMergedKubeConfig,
  setCluster,
  setContext,
  setUser,
} from "@minik8s/client";
import type { Command } from "commander";
import { type Ctx, ctxOf } from "../context.js";
import { CliError } from "../errors.js";
import { formatColumns } from "../printers/tabwriter.js";
import { toJson, toYaml } from "../printers/yaml-printer.js";

export function registerConfig(program: Command): void {
  const config = program
    .command("config")
    .summary("Modify kubeconfig files")
    .description(
      'Modify kubeconfig files using subcommands like "mkctl config set current-context my-context".\n\nThe loading order follows these rules:\n  1. If the --kubeconfig flag is set, then only that file is loaded.\n  2. If $KUBECONFIG is set, it is a list of paths merged together.\n  3. Otherwise, $HOME/.kube/config is used.',
    );
  config
    .command("view")
    .description("Display merged kubeconfig settings or a specified kubeconfig file")
    .option("--raw", "Display raw byte data and sensitive data")
    .option("--minify", "Remove all information not used by current-context from the output")
    .option("-o, --output <format>", "yaml (default) or json", "yaml")
    .action((flags: { raw?: boolean; minify?: boolean; output: string }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      let cfg = merged(ctx);
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
    });
  config
    .command("get-contexts")
    .description("Display one or many contexts from the kubeconfig file")
    .argument("[name]")
    .option("--no-headers", "When using the default output format, don't print headers")
    .option("-o, --output <format>", "name: print only context names")
    .action((name: string | undefined, flags: { headers: boolean; output?: string }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const cfg = merged(ctx);
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
        formatColumns(
          flags.headers ? [["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"], ...rows] : rows,
        ),
      );
    });
  config
    .command("current-context")
    .description("Display the current-context")
    .action((_f: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const current = merged(ctx)["current-context"];
      if (!current) throw new CliError("current-context is not set");
      ctx.out(`${current}\n`);
    });
  config
    .command("use-context")
    .alias("use")
    .description("Set the current-context in a kubeconfig file")
    .argument("<name>")
    .action(async (name: string, _f: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      if (!merged(ctx).contexts.some((c) => c.name === name))
        throw new CliError(`no context exists with the name: "${name}"`);
      await modifyKubeConfig(fileFor(ctx, "current-context"), (cfg) => ({ ...cfg, "current-context": name }));
      ctx.out(`Switched to context "${name}".\n`);
    });
  config
    .command("set-context")
    .description("Set a context entry in kubeconfig")
    .argument("[name]")
    .option("--current", "Modify the current context")
    .option("--cluster <name>", "cluster for the context entry in kubeconfig")
    .option("--user <name>", "user for the context entry in kubeconfig")
    .option("--namespace <ns>", "namespace for the context entry in kubeconfig")
    .action(
      async (
        name: string | undefined,
        flags: { current?: boolean; cluster?: string; user?: string; namespace?: string },
        cmd: Command,
      ) => {
        const ctx = ctxOf(cmd);
        let target = name;
        if (flags.current) {
          if (name) throw new CliError("you cannot specify both a context name and --current");
          target = merged(ctx)["current-context"];
          if (!target) throw new CliError("no current context is set");
        }
        if (!target) throw new CliError("you must specify a non-empty context name or --current");
        let created = false;
        // The subcommand's own --namespace shadows the global -n here, as in kubectl.
        const local = cmd.opts() as typeof flags;
        const entry = target;
        await modifyKubeConfig(fileFor(ctx, { list: "contexts", name: entry }), (cfg) => {
          created = !cfg.contexts.some((c) => c.name === entry);
          return setContext(cfg, entry, {
            cluster: local.cluster,
            user: local.user,
            namespace: local.namespace,
          });
        });
        ctx.out(`Context "${target}" ${created ? "created" : "modified"}.\n`);
      },
    );
  config
    .command("set-cluster")
    .description("Set a cluster entry in kubeconfig")
    .argument("<name>")
    .option("--server <url>", "server for the cluster entry in kubeconfig")
    .option("--certificate-authority <file>", "path to certificate-authority file for the cluster entry")
    .option("--insecure-skip-tls-verify [bool]", "insecure-skip-tls-verify for the cluster entry")
    .option("--tls-server-name <name>", "tls-server-name for the cluster entry")
    .action(async (name: string, _f: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const local = cmd.opts() as {
        server?: string;
        certificateAuthority?: string;
        insecureSkipTlsVerify?: string | boolean;
        tlsServerName?: string;
      };
      const insecure = local.insecureSkipTlsVerify;
      await modifyKubeConfig(fileFor(ctx, { list: "clusters", name }), (cfg) =>
        setCluster(cfg, name, {
          server: local.server,
          "certificate-authority": local.certificateAuthority,
          "insecure-skip-tls-verify": insecure === undefined ? undefined : insecure !== "false",
          "tls-server-name": local.tlsServerName,
        }),
      );
      ctx.out(`Cluster "${name}" set.\n`);
    });
  config
    .command("set-credentials")
    .description("Set a user entry in kubeconfig")
    .argument("<name>")
    .option("--token <token>", "token for the user entry in kubeconfig")
    .option("--client-certificate <file>", "path to client-certificate file for the user entry")
    .option("--client-key <file>", "path to client-key file for the user entry")
    .option("--username <name>", "username for the user entry")
    .option("--password <password>", "password for the user entry")
    .action(async (name: string, _f: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const local = cmd.opts() as {
        token?: string;
        clientCertificate?: string;
        clientKey?: string;
        username?: string;
        password?: string;
      };
      await modifyKubeConfig(fileFor(ctx, { list: "users", name }), (cfg) =>
        setUser(cfg, name, {
          token: local.token,
          "client-certificate": local.clientCertificate,
          "client-key": local.clientKey,
          username: local.username,
          password: local.password,
        }),
      );
      ctx.out(`User "${name}" set.\n`);
    });
  config
    .command("delete-context")
    .description("Delete the specified context from the kubeconfig")
    .argument("<name>")
    .action(async (name: string, _f: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const file = fileFor(ctx, { list: "contexts", name });
      if (!readKubeConfigFile(file).contexts.some((c) => c.name === name))
        throw new CliError(`cannot delete context ${name}, not in ${file}`);
      await modifyKubeConfig(file, (cfg) => deleteContext(cfg, name));
      ctx.out(`deleted context ${name} from ${file}\n`);
    });
}

/** The kubeconfig files in effect, merged, their file references shown as the files write them. */
function merged(ctx: Ctx): KubeConfig {
  return readMergedKubeConfig(kubeconfigPaths(ctx.flags.kubeconfig, ctx.io.env), { resolvePaths: false });
}

/** The file a change to `entry` goes to, as kubectl picks it. */
function fileFor(ctx: Ctx, entry: KubeConfigEntry): string {
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

import type { Command } from "commander";
import { type Ctx, ctxOf } from "../context.js";
import { CliError } from "../errors.js";
import {
  fileFor,
  type KubeConfig,
  kubeconfigPaths,
  loadMerged,
  readConfigFile,
  writeConfigFile,
} from "../kubeconfig.js";
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
      let cfg = loadMerged(paths(ctx));
      if (flags.minify) cfg = minify(cfg, ctx.flags.context);
      if (!flags.raw) cfg = redact(cfg);
      const doc = {
        ...cfg,
        clusters: nullIfEmpty(cfg.clusters),
        contexts: nullIfEmpty(cfg.contexts),
        users: nullIfEmpty(cfg.users),
        "current-context": cfg["current-context"] ?? "",
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
      const cfg = loadMerged(paths(ctx));
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
      const current = loadMerged(paths(ctx))["current-context"];
      if (!current) throw new CliError("current-context is not set");
      ctx.out(`${current}\n`);
    });
  config
    .command("use-context")
    .alias("use")
    .description("Set the current-context in a kubeconfig file")
    .argument("<name>")
    .action((name: string, _f: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const all = paths(ctx);
      if (!loadMerged(all).contexts.some((c) => c.name === name))
        throw new CliError(`no context exists with the name: "${name}"`);
      update(fileFor(all, "current-context"), (cfg) => {
        cfg["current-context"] = name;
      });
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
      (
        name: string | undefined,
        flags: { current?: boolean; cluster?: string; user?: string; namespace?: string },
        cmd: Command,
      ) => {
        const ctx = ctxOf(cmd);
        const all = paths(ctx);
        let target = name;
        if (flags.current) {
          if (name) throw new CliError("you cannot specify both a context name and --current");
          target = loadMerged(all)["current-context"];
          if (!target) throw new CliError("no current context is set");
        }
        if (!target) throw new CliError("you must specify a non-empty context name or --current");
        let created = false;
        // The subcommand's own --namespace shadows the global -n here, as in kubectl.
        const local = cmd.opts() as typeof flags;
        update(fileFor(all, "contexts", target), (cfg) => {
          let entry = cfg.contexts.find((c) => c.name === target);
          if (!entry) {
            entry = { name: target!, context: {} };
            cfg.contexts.push(entry);
            created = true;
          }
          if (local.cluster !== undefined) entry.context.cluster = local.cluster;
          if (local.user !== undefined) entry.context.user = local.user;
          if (local.namespace !== undefined) entry.context.namespace = local.namespace;
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
    .action((name: string, _f: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const local = cmd.opts() as {
        server?: string;
        certificateAuthority?: string;
        insecureSkipTlsVerify?: string | boolean;
        tlsServerName?: string;
      };
      update(fileFor(paths(ctx), "clusters", name), (cfg) => {
        let entry = cfg.clusters.find((c) => c.name === name);
        if (!entry) {
          entry = { name, cluster: {} };
          cfg.clusters.push(entry);
        }
        if (local.server !== undefined) entry.cluster.server = local.server;
        if (local.certificateAuthority !== undefined)
          entry.cluster["certificate-authority"] = local.certificateAuthority;
        if (local.insecureSkipTlsVerify !== undefined)
          entry.cluster["insecure-skip-tls-verify"] = local.insecureSkipTlsVerify !== "false";
        if (local.tlsServerName !== undefined) entry.cluster["tls-server-name"] = local.tlsServerName;
      });
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
    .action((name: string, _f: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const local = cmd.opts() as {
        token?: string;
        clientCertificate?: string;
        clientKey?: string;
        username?: string;
        password?: string;
      };
      update(fileFor(paths(ctx), "users", name), (cfg) => {
        let entry = cfg.users.find((u) => u.name === name);
        if (!entry) {
          entry = { name, user: {} };
          cfg.users.push(entry);
        }
        if (local.token !== undefined) entry.user.token = local.token;
        if (local.clientCertificate !== undefined) entry.user["client-certificate"] = local.clientCertificate;
        if (local.clientKey !== undefined) entry.user["client-key"] = local.clientKey;
        if (local.username !== undefined) entry.user.username = local.username;
        if (local.password !== undefined) entry.user.password = local.password;
      });
      ctx.out(`User "${name}" set.\n`);
    });
  config
    .command("delete-context")
    .description("Delete the specified context from the kubeconfig")
    .argument("<name>")
    .action((name: string, _f: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const file = fileFor(paths(ctx), "contexts", name);
      if (!readConfigFile(file).contexts.some((c) => c.name === name))
        throw new CliError(`cannot delete context ${name}, not in ${file}`);
      update(file, (cfg) => {
        cfg.contexts = cfg.contexts.filter((c) => c.name !== name);
      });
      ctx.out(`deleted context ${name} from ${file}\n`);
    });
}

function paths(ctx: Ctx): string[] {
  return kubeconfigPaths(ctx.flags.kubeconfig, ctx.io.env);
}

function update(file: string, change: (cfg: KubeConfig) => void): void {
  const cfg = readConfigFile(file);
  change(cfg);
  writeConfigFile(file, cfg);
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

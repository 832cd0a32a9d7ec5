import type { Command } from "commander";
import type { SetClusterFlags, SetContextFlags, SetCredentialsFlags, ViewFlags } from "../actions/config.js";
import { ctxFor } from "../ctx-for.js";

const actions = () => import("../actions/config.js");

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
    .action(async (flags: ViewFlags, cmd: Command) => {
      await (await actions()).runView(await ctxFor(cmd), flags);
    });
  config
    .command("get-contexts")
    .description("Display one or many contexts from the kubeconfig file")
    .argument("[name]")
    .option("--no-headers", "When using the default output format, don't print headers")
    .option("-o, --output <format>", "name: print only context names")
    .action(async (name: string | undefined, flags: { headers: boolean; output?: string }, cmd: Command) => {
      await (await actions()).runGetContexts(await ctxFor(cmd), name, flags);
    });
  config
    .command("current-context")
    .description("Display the current-context")
    .action(async (_f: unknown, cmd: Command) => {
      await (await actions()).runCurrentContext(await ctxFor(cmd));
    });
  config
    .command("use-context")
    .alias("use")
    .description("Set the current-context in a kubeconfig file")
    .argument("<name>")
    .action(async (name: string, _f: unknown, cmd: Command) => {
      await (await actions()).runUseContext(await ctxFor(cmd), name);
    });
  // --cluster, --user, --namespace, --server and --token are also mkctl's global flags, and
  // commander hands a flag to the root when both define it: read them with the globals merged in.
  config
    .command("set-context")
    .description("Set a context entry in kubeconfig")
    .argument("[name]")
    .option("--current", "Modify the current context")
    .option("--cluster <name>", "cluster for the context entry in kubeconfig")
    .option("--user <name>", "user for the context entry in kubeconfig")
    .option("--namespace <ns>", "namespace for the context entry in kubeconfig")
    .action(async (name: string | undefined, _f: unknown, cmd: Command) => {
      await (await actions()).runSetContext(await ctxFor(cmd), name, cmd.optsWithGlobals<SetContextFlags>());
    });
  config
    .command("set-cluster")
    .description("Set a cluster entry in kubeconfig")
    .argument("<name>")
    .option("--server <url>", "server for the cluster entry in kubeconfig")
    .option("--certificate-authority <file>", "path to certificate-authority file for the cluster entry")
    .option("--insecure-skip-tls-verify [bool]", "insecure-skip-tls-verify for the cluster entry")
    .option("--tls-server-name <name>", "tls-server-name for the cluster entry")
    .action(async (name: string, _f: unknown, cmd: Command) => {
      await (await actions()).runSetCluster(await ctxFor(cmd), name, cmd.optsWithGlobals<SetClusterFlags>());
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
      await (await actions()).runSetCredentials(
        await ctxFor(cmd),
        name,
        cmd.optsWithGlobals<SetCredentialsFlags>(),
      );
    });
  config
    .command("delete-context")
    .description("Delete the specified context from the kubeconfig")
    .argument("<name>")
    .action(async (name: string, _f: unknown, cmd: Command) => {
      await (await actions()).runDeleteContext(await ctxFor(cmd), name);
    });
}

import type { Command } from "commander";
import type { ExecFlags } from "../actions/exec.js";
import { ctxFor } from "../ctx-for.js";

export function registerExec(program: Command): void {
  program
    .command("exec")
    .summary("Execute a command in a container")
    .description(
      "Execute a command in a container: mkctl exec POD [-c CONTAINER] [-i] [-t] -- COMMAND [args...]",
    )
    .argument("[POD | TYPE/NAME]")
    .argument("[COMMAND...]")
    .option(
      "-c, --container <name>",
      "Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation or the first container in the pod.",
    )
    .option("-i, --stdin", "Pass stdin to the container")
    .option("-t, --tty", "Stdin is a TTY")
    .option("-q, --quiet", "Only print output from the remote session")
    .action(async (_p: string | undefined, _c: string[], flags: ExecFlags, cmd: Command) => {
      const { runExec } = await import("../actions/exec.js");
      // commander drops `--`; whether it was there tells `exec POD -- CMD` from the deprecated `exec POD CMD`.
      const raw = (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? [];
      const dash = raw.indexOf("--");
      await runExec(await ctxFor(cmd), cmd.args, dash, flags);
    });
}

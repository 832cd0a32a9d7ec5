import type { Command } from "commander";
import { ctxFor } from "../ctx-for.js";

export function registerCompletion(program: Command): void {
  program
    .command("completion")
    .summary("Output shell completion code for the specified shell (bash or zsh)")
    .description(
      "Output shell completion code for bash or zsh. Load it with `source <(mkctl completion bash)` or add that line to ~/.bashrc (zsh: ~/.zshrc).",
    )
    .argument("<shell>", "bash or zsh")
    .action(async (shell: string, _flags: unknown, cmd: Command) => {
      const { runCompletion } = await import("../actions/completion.js");
      runCompletion(await ctxFor(cmd), shell, cmd.parent!);
    });
}

import { allKinds } from "@minik8s/api";
import type { Command } from "commander";
import { ctxOf } from "../context.js";
import { CliError } from "../errors.js";

export function registerCompletion(program: Command): void {
  program
    .command("completion")
    .summary("Output shell completion code for the specified shell (bash or zsh)")
    .description(
      "Output shell completion code for bash or zsh. Load it with `source <(mkctl completion bash)` or add that line to ~/.bashrc (zsh: ~/.zshrc).",
    )
    .argument("<shell>", "bash or zsh")
    .action((shell: string, _flags: unknown, cmd: Command) => {
      const root = cmd.parent!;
      const verbs = root.commands.map((c) => c.name()).join(" ");
      const types = allKinds()
        .flatMap((k) => [k.plural, ...k.shortNames])
        .join(" ");
      if (shell === "bash") ctxOf(cmd).out(bash(verbs, types));
      else if (shell === "zsh")
        ctxOf(cmd).out(`#compdef mkctl\nautoload -U +X bashcompinit && bashcompinit\n${bash(verbs, types)}`);
      else throw new CliError(`Unsupported shell type "${shell}".`);
    });
}

/** Completes verbs, then resource types, then names from the live cluster (`mkctl get TYPE -o name`). */
function bash(verbs: string, types: string): string {
  return `# mkctl bash completion
_mkctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local verb="\${COMP_WORDS[1]}"
  if [[ \${COMP_CWORD} -eq 1 ]]; then
    COMPREPLY=( $(compgen -W "${verbs}" -- "\${cur}") )
    return
  fi
  case "\${cur}" in
    -*) COMPREPLY=( $(compgen -W "--namespace --context --kubeconfig --server --output --selector --filename --all-namespaces --help" -- "\${cur}") ); return ;;
  esac
  if [[ \${COMP_CWORD} -eq 2 ]]; then
    COMPREPLY=( $(compgen -W "${types}" -- "\${cur}") )
    return
  fi
  local names
  names=$(mkctl get "\${COMP_WORDS[2]}" -o custom-columns=:.metadata.name --no-headers 2>/dev/null)
  COMPREPLY=( $(compgen -W "\${names}" -- "\${cur}") )
}
complete -o default -F _mkctl mkctl
`;
}

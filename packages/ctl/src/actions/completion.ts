import { allKinds } from "@minik8s/api/registry";
import type { Command } from "commander";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";

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

/** Prints the completion script of `shell`, listing the verbs of `root` and every resource name. */
export function runCompletion(ctx: Ctx, shell: string, root: Command): void {
  const verbs = root.commands.map((c) => c.name()).join(" ");
  const types = allKinds()
    .flatMap((k) => [k.plural, ...k.shortNames])
    .join(" ");
  if (shell === "bash") ctx.out(bash(verbs, types));
  else if (shell === "zsh")
    ctx.out(`#compdef mkctl\nautoload -U +X bashcompinit && bashcompinit\n${bash(verbs, types)}`);
  else throw new CliError(`Unsupported shell type "${shell}".`);
}

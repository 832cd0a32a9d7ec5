import { MINIK8S_VERSION } from "@minik8s/api/version";
import { Command, CommanderError } from "commander";
import { registerApiResources } from "./commands/api-resources.js";
import { registerApply } from "./commands/apply.js";
import { registerCompletion } from "./commands/completion.js";
import { registerConfig } from "./commands/config.js";
import { registerCreate } from "./commands/create.js";
import { registerDelete } from "./commands/delete.js";
import { registerDescribe } from "./commands/describe.js";
import { registerNodeMaintenance } from "./commands/drain.js";
import { registerEdit } from "./commands/edit.js";
import { registerExec } from "./commands/exec.js";
import { registerExplain } from "./commands/explain.js";
import { registerExpose } from "./commands/expose.js";
import { registerGet } from "./commands/get.js";
import { registerAnnotate, registerLabel } from "./commands/label.js";
import { registerLogs } from "./commands/logs.js";
import { registerReplace } from "./commands/replace.js";
import { registerRollout } from "./commands/rollout.js";
import { registerRun } from "./commands/run.js";
import { registerScale } from "./commands/scale.js";
import { registerSet } from "./commands/set.js";
import { registerVersion } from "./commands/version.js";
import { attachDeps, type Deps, processIo } from "./deps.js";
import { CliError, formatError } from "./errors.js";

/**
 * The top-level commands in help's order, each by the names it answers to. A command's flags and
 * help live in commands/, its work in actions/, loaded only when the verb runs, so that mkctl
 * starts without the code of verbs it does not run.
 */
const COMMANDS: readonly (readonly [names: readonly string[], register: (program: Command) => void])[] = [
  [["create"], registerCreate],
  [["get"], registerGet],
  [["apply"], registerApply],
  [["edit"], registerEdit],
  [["delete"], registerDelete],
  [["describe"], registerDescribe],
  [["replace"], registerReplace],
  [["scale"], registerScale],
  [["expose"], registerExpose],
  [["rollout"], registerRollout],
  [["set"], registerSet],
  [["run"], registerRun],
  [["logs"], registerLogs],
  [["exec"], registerExec],
  [["label"], registerLabel],
  [["cordon", "uncordon", "drain"], registerNodeMaintenance],
  [["annotate"], registerAnnotate],
  [["api-resources"], registerApiResources],
  [["explain"], registerExplain],
  [["version"], registerVersion],
  [["config"], registerConfig],
  // Completion describes the whole tree, so it is never defined alone.
  [[], registerCompletion],
];

/** kubectl's global flags, as mkctl has them: flags, description and default value. */
const GLOBAL_OPTIONS: readonly (readonly [flags: string, description: string, defaultValue?: string])[] = [
  ["--kubeconfig <file>", "Path to the kubeconfig file to use for CLI requests"],
  ["--context <name>", "The name of the kubeconfig context to use"],
  ["--cluster <name>", "The name of the kubeconfig cluster to use"],
  ["--user <name>", "The name of the kubeconfig user to use"],
  ["--token <token>", "Bearer token for authentication to the API server"],
  ["-s, --server <address>", "The address and port of the Kubernetes API server"],
  ["-n, --namespace <namespace>", "If present, the namespace scope for this CLI request"],
  [
    "--request-timeout <duration>",
    "The length of time to wait before giving up on a single server request (e.g. 1s, 2m, 3h); 0 means no timeout",
    "0",
  ],
];

/** Global flags that take a value in the next argument (unless written `--flag=value` or `-nvalue`). */
const GLOBAL_FLAGS_WITH_VALUE = new Set(
  GLOBAL_OPTIONS.filter(([flags]) => flags.includes("<")).flatMap(([flags]) =>
    flags.split(/[ ,]+/).filter((word) => word.startsWith("-")),
  ),
);

/**
 * The command word of `argv`: its first argument that is neither a global flag nor a flag's
 * value. None when help is asked for before it (`mkctl --help get` is mkctl's own help).
 */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return argv[i + 1];
    if (arg === "-h" || arg === "--help") return undefined;
    if (!arg.startsWith("-")) return arg;
    if (GLOBAL_FLAGS_WITH_VALUE.has(arg)) i++;
  }
  return undefined;
}

/**
 * The mkctl command tree. With `argv`, only the command it runs is defined, when it names one:
 * defining all twenty-odd commands and their flags is a tenth of mkctl's start. Help, completion
 * and mistyped commands (which get suggestions) see the whole tree.
 */
export function buildProgram(deps: Deps = { io: processIo() }, argv?: readonly string[]): Command {
  const io = deps.io;
  const program = new Command("mkctl")
    .description("mkctl controls a minik8s cluster, the way kubectl controls Kubernetes.")
    .version(MINIK8S_VERSION, "--version", "print the mkctl version")
    .showHelpAfterError(false)
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  for (const [flags, description, defaultValue] of GLOBAL_OPTIONS)
    program.option(flags, description, defaultValue);
  attachDeps(program, deps);
  const word = argv && commandWord(argv);
  const only = word === undefined ? undefined : COMMANDS.find(([names]) => names.includes(word));
  for (const [, register] of only ? [only] : COMMANDS) register(program);
  for (const cmd of program.commands) inheritOutput(cmd, program);
  return program;
}

function inheritOutput(cmd: Command, parent: Command): void {
  cmd.exitOverride();
  cmd.configureOutput(parent.configureOutput());
  for (const sub of cmd.commands) inheritOutput(sub, cmd);
}

/** Runs mkctl on argv (without node and script) and returns its exit code, as kubectl would exit. */
export async function runMkctl(argv: string[], deps: Deps = { io: processIo() }): Promise<number> {
  const program = buildProgram(deps, argv);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0)
        return 0;
      if (err.code === "commander.executeSubCommandAsync" || err.code === "commander.help") return 0;
      return 1;
    }
    if (err instanceof CliError && err.message === "") return err.code;
    deps.io.err(`${formatError(err).replace(/\n$/, "")}\n`);
    return err instanceof CliError ? err.code : 1;
  }
}

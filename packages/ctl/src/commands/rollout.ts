import { type Command, Option } from "commander";
import type { RolloutHistoryFlags } from "../actions/rollout-history.js";
import type { RolloutStatusFlags } from "../actions/rollout-status.js";
import type { RolloutUndoFlags } from "../actions/rollout-undo.js";
import { ctxFor } from "../ctx-for.js";

export function registerRollout(program: Command): void {
  const rollout = program
    .command("rollout")
    .summary("Manage the rollout of a resource")
    .description("Manage the rollout of one or many resources. Valid resource types: deployments.");

  rollout
    .command("status")
    .summary("Show the status of the rollout")
    .description("Show the status of the rollout, watching it until it is done unless --watch=false.")
    .argument("[TYPE NAME | TYPE/NAME]")
    .allowExcessArguments(true)
    .addOption(
      new Option("-w, --watch [bool]", "Watch the status of the rollout until it's done.").preset("true"),
    )
    .option(
      "--revision <n>",
      "Pin to a specific revision for showing its status. Defaults to 0 (last revision).",
    )
    .option(
      "--timeout <duration>",
      "The length of time to wait before ending watch, zero means never. Any other values should contain a corresponding time unit (e.g. 1s, 2m, 3h).",
      "0s",
    )
    .action(async (_a: string | undefined, flags: RolloutStatusFlags, cmd: Command) => {
      const { runRolloutStatus } = await import("../actions/rollout-status.js");
      await runRolloutStatus(await ctxFor(cmd), cmd.args, flags);
    });

  rollout
    .command("history")
    .summary("View rollout history")
    .description("View previous rollout revisions and configurations.")
    .argument("[TYPE NAME | TYPE/NAME]")
    .allowExcessArguments(true)
    .option("--revision <n>", "See the details, including podTemplate of the revision specified")
    .action(async (_a: string | undefined, flags: RolloutHistoryFlags, cmd: Command) => {
      const { runRolloutHistory } = await import("../actions/rollout-history.js");
      await runRolloutHistory(await ctxFor(cmd), cmd.args, flags);
    });

  rollout
    .command("undo")
    .summary("Undo a previous rollout")
    .description("Roll back to a previous rollout.")
    .argument("[TYPE NAME | TYPE/NAME]")
    .allowExcessArguments(true)
    .option("--to-revision <n>", "The revision to rollback to. Default to 0 (last revision).")
    .addOption(new Option("--dry-run [strategy]", 'Must be "none", "server", or "client"').preset("client"))
    .action(async (_a: string | undefined, flags: RolloutUndoFlags, cmd: Command) => {
      const { runRolloutUndo } = await import("../actions/rollout-undo.js");
      await runRolloutUndo(await ctxFor(cmd), cmd.args, flags);
    });

  const verbs = [
    ["restart", "Restart a resource", "Restart a resource: its pods are replaced by a rollout."],
    ["pause", "Mark the provided resource as paused", "Paused resources are not reconciled until resumed."],
    [
      "resume",
      "Resume a paused resource",
      "Resume a paused resource, so its controller reconciles it again.",
    ],
  ] as const;
  for (const [verb, summary, description] of verbs) {
    rollout
      .command(verb)
      .summary(summary)
      .description(description)
      .argument("[TYPE NAME | TYPE/NAME]")
      .allowExcessArguments(true)
      .action(async (_a: string | undefined, _flags: unknown, cmd: Command) => {
        const { runRolloutPatch } = await import("../actions/rollout-patch.js");
        await runRolloutPatch(await ctxFor(cmd), verb, cmd.args);
      });
  }
}

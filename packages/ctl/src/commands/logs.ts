import type { Command } from "commander";
import type { LogsFlags } from "../actions/logs.js";
import { ctxFor } from "../ctx-for.js";

export function registerLogs(program: Command): void {
  program
    .command("logs")
    .summary("Print the logs for a container in a pod")
    .description(
      "Print the logs for a container in a pod or specified resource. If the pod has only one container, the container name is optional.",
    )
    .argument("[POD | TYPE/NAME]")
    .argument("[CONTAINER]")
    .option("-f, --follow", "Specify if the logs should be streamed.")
    .option("-c, --container <name>", "Print the logs of this container")
    .option(
      "--tail <n>",
      "Lines of recent log file to display. Defaults to -1 with no selector, showing all log lines otherwise 10, if a selector is provided.",
    )
    .option(
      "--since <duration>",
      "Only return logs newer than a relative duration like 5s, 2m, or 3h. Defaults to all logs.",
    )
    .option("--since-time <time>", "Only return logs after a specific date (RFC3339). Defaults to all logs.")
    .option("--timestamps", "Include timestamps on each line in the log output")
    .option(
      "-p, --previous",
      "If true, print the logs for the previous instance of the container in a pod if it exists.",
    )
    .option("-l, --selector <selector>", "Selector (label query) to filter on.")
    .option("--prefix", "Prefix each log line with the log source (pod name and container name)")
    .option("--all-containers", "Get all containers' logs in the pod(s).")
    .option(
      "--max-log-requests <n>",
      "Specify maximum number of concurrent logs to follow when using by a selector.",
      "5",
    )
    .option("--limit-bytes <n>", "Maximum bytes of logs to return. Defaults to no limit.")
    .action(async (_p: string | undefined, _c: string | undefined, flags: LogsFlags, cmd: Command) => {
      const { runLogs } = await import("../actions/logs.js");
      await runLogs(await ctxFor(cmd), cmd.args, flags);
    });
}

import { type Command, Option } from "commander";
import type { ExposeFlags } from "../actions/expose.js";
import { ctxFor } from "../ctx-for.js";

export function registerExpose(program: Command): void {
  program
    .command("expose")
    .summary(
      "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
    )
    .description(
      "Expose a resource as a new Kubernetes service: a deployment, replica set, pod or service, looked up by name; its selector picks the pods the service sends traffic to.",
    )
    .argument("[TYPE NAME | TYPE/NAME]")
    .option(
      "--port <port>",
      "The port that the service should serve on. Copied from the resource being exposed, if unspecified",
    )
    .option(
      "--target-port <port>",
      "Name or number for the port on the container that the service should direct traffic to",
    )
    .option("--protocol <protocol>", "The network protocol for the service to be created. Default is 'TCP'.")
    .option(
      "--type <type>",
      "Type for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName. Default is 'ClusterIP'.",
    )
    .option("--name <name>", "The name for the newly created object.")
    .option(
      "--selector <selector>",
      "A label selector to use for this service. Only equality-based selector requirements are supported.",
    )
    .option(
      "--cluster-ip <ip>",
      "ClusterIP to be assigned to the service. Leave empty to auto-allocate, or set to 'None' to create a headless service.",
    )
    .option("-l, --labels <labels>", "Labels to apply to the service created by this call.")
    .option(
      "--external-ip <ip>",
      "Additional external IP address (not managed by Kubernetes) to accept for the service.",
    )
    .option(
      "--session-affinity <affinity>",
      "If non-empty, set the session affinity for the service to this; legal values: 'None', 'ClientIP'",
    )
    .addOption(new Option("--dry-run [strategy]", 'Must be "none", "server", or "client"').preset("client"))
    .option("-o, --output <format>", "Output format: json, yaml, name")
    .allowExcessArguments(true)
    .action(async (_a: string | undefined, flags: ExposeFlags, cmd: Command) => {
      const { runExpose } = await import("../actions/expose.js");
      await runExpose(await ctxFor(cmd), cmd.args, flags);
    });
}

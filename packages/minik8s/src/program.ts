import { MINIK8S_VERSION } from "@minik8s/api";
import { Command } from "commander";
import { registerAgent } from "./commands/agent.js";
import { registerApiserver } from "./commands/apiserver.js";
import { registerControllerManager } from "./commands/controller-manager.js";
import { registerKubelet } from "./commands/kubelet.js";
import { registerProxy } from "./commands/proxy.js";
import { registerScheduler } from "./commands/scheduler.js";
import { registerServer } from "./commands/server.js";
import { registerUp } from "./commands/up.js";

/** The `minik8s` launcher: one subcommand per daemon, registered from commands/. */
export function buildProgram(): Command {
  const program = new Command("minik8s")
    .description("minik8s runs the components of a small Kubernetes cluster.")
    .version(MINIK8S_VERSION, "--version", "print the minik8s version")
    .showHelpAfterError();
  registerAgent(program);
  registerApiserver(program);
  registerControllerManager(program);
  registerKubelet(program);
  registerProxy(program);
  registerScheduler(program);
  registerServer(program);
  registerUp(program);
  return program;
}

import { MINIK8S_VERSION } from "@minik8s/api";
import { Command } from "commander";

/** The mkctl command tree. Each verb lives in commands/ and registers itself here. */
export function buildProgram(): Command {
  const program = new Command("mkctl")
    .description("mkctl controls a minik8s cluster, the way kubectl controls Kubernetes.")
    .version(MINIK8S_VERSION, "--version", "print the mkctl version")
    .showHelpAfterError();
  return program;
}

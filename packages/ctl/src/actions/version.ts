import { MINIK8S_VERSION } from "@minik8s/api/version";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import { toJson, toYaml } from "../printers/yaml-printer.js";

export interface VersionFlags {
  client?: boolean;
  output?: string;
}

/** The client version as kubectl reports its own (gitVersion names mkctl's release). */
export const CLIENT_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: `v1.32.0+mkctl-${MINIK8S_VERSION}`,
  platform: `${process.platform}/${process.arch === "x64" ? "amd64" : process.arch}`,
};

export async function runVersion(ctx: Ctx, flags: VersionFlags): Promise<void> {
  if (flags.output && flags.output !== "json" && flags.output !== "yaml") {
    throw new CliError("--output must be 'yaml' or 'json'");
  }
  const client = { ...CLIENT_VERSION };
  let server: Record<string, string> | undefined;
  let serverError: unknown;
  if (!flags.client) {
    try {
      server = await ctx.cluster.request<Record<string, string>>({ path: "/version" });
    } catch (err) {
      serverError = err;
    }
  }
  if (flags.output) {
    const doc = { clientVersion: client, ...(server ? { serverVersion: server } : {}) };
    ctx.out(flags.output === "json" ? toJson(doc) : toYaml(doc));
  } else {
    ctx.out(`Client Version: ${client.gitVersion}\n`);
    if (server) ctx.out(`Server Version: ${server.gitVersion}\n`);
  }
  if (serverError) throw serverError;
}

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resourcePath } from "@minik8s/client";
import { parse } from "yaml";
import { getObject, withKind } from "../api.js";
import type { Ctx } from "../context.js";
import { CliError } from "../errors.js";
import type { KubeObject } from "../manifests.js";
import { toJson, toYaml } from "../printers/yaml-printer.js";
import { kindPrefix, parseResourceArgs } from "../resources.js";

export interface EditFlags {
  output?: string;
}

const HEADER = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`;

export async function runEdit(ctx: Ctx, args: string[], flags: EditFlags): Promise<void> {
  const json = flags.output === "json";
  const editor = ctx.io.env.KUBE_EDITOR || ctx.io.env.EDITOR || "vi";
  for (const req of parseResourceArgs(args)) {
    if (req.names.length === 0) throw new CliError("resource(s) were provided, but no name was specified");
    for (const name of req.names) {
      const live = withKind(await getObject(ctx.cluster, req.type, ctx.namespace, name), req.type);
      const original = (json ? "" : HEADER) + (json ? toJson(live) : toYaml(live));
      const dir = mkdtempSync(join(tmpdir(), "mkctl-edit-"));
      const file = join(dir, `${req.type.plural}-${name}.${json ? "json" : "yaml"}`);
      try {
        writeFileSync(file, original);
        const run = spawnSync(`${editor} "${file}"`, { shell: true, stdio: "inherit" });
        if (run.status !== 0) throw new CliError(`there was a problem with the editor "${editor}"`);
        const edited = readFileSync(file, "utf8");
        if (edited === original) {
          ctx.out("Edit cancelled, no changes made.\n");
          continue;
        }
        const body = edited
          .split("\n")
          .filter((l) => !l.startsWith("#"))
          .join("\n");
        if (body.trim() === "") {
          ctx.out("Edit cancelled, saved file was empty.\n");
          continue;
        }
        let obj: KubeObject;
        try {
          obj = (json ? JSON.parse(body) : parse(body)) as KubeObject;
        } catch (err) {
          throw new CliError(
            `error: ${(err as Error).message.split("\n")[0]}\nA copy of your changes has been stored to "${file}"`,
            1,
            true,
          );
        }
        if (obj.metadata?.name !== name)
          throw new CliError(`the name of the object cannot be changed (was "${name}")`);
        obj.metadata = {
          ...obj.metadata,
          resourceVersion: obj.metadata?.resourceVersion ?? live.metadata?.resourceVersion,
        };
        await ctx.cluster.request({
          method: "PUT",
          path: resourcePath(req.type, { namespace: live.metadata?.namespace, name: name }),
          query: { fieldManager: "kubectl-edit", fieldValidation: "Strict" },
          body: obj,
        });
        ctx.out(`${kindPrefix(req.type)}/${name} edited\n`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}

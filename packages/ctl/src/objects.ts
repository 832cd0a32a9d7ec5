import type { KindInfo } from "@minik8s/api/registry";
import { kindOfObject } from "./api.js";
import type { Ctx } from "./context.js";
import { CliError } from "./errors.js";
import type { KubeObject, Manifest } from "./manifests.js";
import { kindPrefix } from "./resources.js";

/** A manifest object with its kind resolved and its namespace settled. */
export interface Target {
  info: KindInfo;
  namespace: string | undefined;
  name: string;
  object: KubeObject;
  source: string;
}

/**
 * Settles where a manifest object goes, as kubectl's resource builder does: its own namespace,
 * else -n, else the context's; -n that disagrees with the manifest is an error.
 */
export function targetOf(ctx: Ctx, manifest: Manifest): Target {
  const info = kindOfObject(manifest.object, manifest.source);
  const object = structuredClone(manifest.object);
  const own = object.metadata?.namespace;
  let namespace: string | undefined;
  if (info.namespaced) {
    if (own && ctx.namespaceExplicit && own !== ctx.namespace) {
      throw new CliError(
        `the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${own}' to perform this operation.`,
      );
    }
    namespace = own || ctx.namespace;
    object.metadata = { ...object.metadata, namespace };
  }
  return { info, namespace, name: object.metadata?.name ?? "", object, source: manifest.source };
}

/** `deployment.apps/web` */
export function displayName(info: KindInfo, name: string): string {
  return `${kindPrefix(info)}/${name}`;
}

export type DryRun = "none" | "client" | "server";

export function parseDryRun(value: string | boolean | undefined): DryRun {
  if (value === undefined || value === false || value === "none") return "none";
  if (value === true || value === "client") return "client";
  if (value === "server") return "server";
  throw new CliError(`Invalid dry-run value (${value}). Must be "none", "server", or "client".`);
}

export function dryRunSuffix(dryRun: DryRun): string {
  return dryRun === "client" ? " (dry run)" : dryRun === "server" ? " (server dry run)" : "";
}

/** The query of a write as kubectl sends it: its field manager, strict validation, the dry run. */
export function writeQuery(fieldManager: string, dryRun: DryRun): Record<string, string | undefined> {
  return { fieldManager, fieldValidation: "Strict", dryRun: dryRun === "server" ? "All" : undefined };
}

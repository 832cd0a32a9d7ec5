import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { KubeObject as ClientKubeObject, ObjectMetaLike } from "@minik8s/client";
import { parseAllDocuments } from "yaml";
import { CliError } from "./errors.js";

/**
 * The client's KubeObject, open to every other field: mkctl reads, prints and sends objects of
 * any kind without knowing their types.
 */
export interface KubeObject extends ClientKubeObject {
  metadata?: ObjectMetaLike & { [key: string]: unknown };
  [key: string]: unknown;
}

/** One object read from a manifest, with where it came from for messages. */
export interface Manifest {
  source: string;
  object: KubeObject;
}

const MANIFEST_EXTENSIONS = [".yaml", ".yml", ".json"];

/**
 * Reads what `-f` names: files, directories (their .yaml/.yml/.json files, recursively with -R),
 * `-` for stdin, and http(s) URLs; multi-document YAML, JSON, and `kind: List` flattened.
 */
export async function readManifests(
  paths: string[],
  opts: { recursive?: boolean; readStdin?: () => Promise<string> } = {},
): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const path of paths) {
    if (path === "-") {
      const text = opts.readStdin ? await opts.readStdin() : "";
      out.push(...parseManifests(text, "STDIN"));
    } else if (/^https?:\/\//.test(path)) {
      const res = await fetch(path);
      if (!res.ok)
        throw new CliError(
          `unable to read URL "${path}", server reported ${res.status} ${res.statusText}, status code=${res.status}`,
        );
      out.push(...parseManifests(await res.text(), path));
    } else {
      for (const file of expandPath(path, opts.recursive ?? false)) {
        out.push(...parseManifests(readFileSync(file, "utf8"), file));
      }
    }
  }
  return out;
}

function expandPath(path: string, recursive: boolean): string[] {
  if (!existsSync(path)) throw new CliError(`the path "${path}" does not exist`);
  if (!statSync(path).isDirectory()) return [path];
  const files: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      if (recursive) files.push(...expandPath(full, true));
    } else if (MANIFEST_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) {
      files.push(full);
    }
  }
  return files;
}

/** Parses one file's text (YAML documents or JSON) into objects, flattening Lists. */
export function parseManifests(text: string, source: string): Manifest[] {
  const out: Manifest[] = [];
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      throw new CliError(`error parsing ${source}: ${doc.errors[0]!.message.split("\n")[0]}`);
    }
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== "object" || Array.isArray(value)) {
      throw new CliError(
        `error validating "${source}": error validating data: the document is not an object`,
      );
    }
    for (const object of flattenList(value as KubeObject)) {
      const missing = [!object.apiVersion && "apiVersion not set", !object.kind && "kind not set"].filter(
        Boolean,
      );
      if (missing.length > 0) {
        throw new CliError(
          `error validating "${source}": error validating data: [${missing.join(", ")}]; if you choose to ignore these errors, turn validation off with --validate=false`,
        );
      }
      out.push({ source, object });
    }
  }
  return out;
}

function flattenList(obj: KubeObject): KubeObject[] {
  if (typeof obj.kind === "string" && obj.kind.endsWith("List") && Array.isArray(obj.items)) {
    return (obj.items as KubeObject[]).flatMap(flattenList);
  }
  return [obj];
}

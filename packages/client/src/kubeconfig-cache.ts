import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Parsed kubeconfig files, kept as JSON so that a command line tool started over and over need
 * not load and run a YAML parser each time: for mkctl that is a tenth of `get pods`. kubectl keeps
 * its discovery documents under `~/.kube/cache` for the same reason; this lives beside them.
 *
 * An entry is the file's whole text and what it parsed to, and it is used only when the text read
 * now is exactly the text cached, so an edited file can never be answered from the cache. The
 * entry holds whatever the file holds, credentials included, so the folder is its owner's alone
 * (0700) and each entry readable by its owner only (0600), as the kubeconfig itself should be.
 */

interface Entry {
  text: string;
  document: unknown;
}

const folder = (cacheDir: string): string => join(cacheDir, "minik8s", "kubeconfig");

/** One entry per kubeconfig path: the path, made into a file name. */
function entryPath(cacheDir: string, path: string): string {
  return join(folder(cacheDir), `${resolve(path).replace(/[^A-Za-z0-9._-]/g, "_")}.json`);
}

/** The parsed document of `text`, if the cache holds this very text for `path`. */
export function cachedDocument(
  cacheDir: string,
  path: string,
  text: string,
): { document: unknown } | undefined {
  try {
    const entry = JSON.parse(readFileSync(entryPath(cacheDir, path), "utf8")) as Entry;
    return entry.text === text ? { document: entry.document } : undefined;
  } catch {
    return undefined; // none yet, or unreadable: parse the file itself
  }
}

/** Remembers what `text` parsed to. A cache that cannot be written is no error: it is only skipped. */
export function cacheDocument(cacheDir: string, path: string, text: string, document: unknown): void {
  const file = entryPath(cacheDir, path);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(folder(cacheDir), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, JSON.stringify({ text, document } satisfies Entry), { mode: 0o600 });
    renameSync(tmp, file); // whole or not at all, should two commands write at once
  } catch {
    // read-only home, full disk: the next command parses the file again
  }
}

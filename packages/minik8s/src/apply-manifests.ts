import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { kindForApiVersion } from "@minik8s/api";
import { type Client, resourcePath } from "@minik8s/client";
import { parseAllDocuments } from "yaml";
import type { Progress } from "./progress.js";

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { type?: string; replicas?: number; ports?: { nodePort?: number }[] };
}

// biome-ignore lint/suspicious/noExplicitAny: read field by field
type Json = any;

/** The manifests of a file, or of every .yaml/.yml/.json file under a folder, in name order. */
export function readManifests(path: string): { file: string; manifest: Manifest }[] {
  const files = statSync(path).isDirectory()
    ? (readdirSync(path, { recursive: true }) as string[])
        .filter((f) => /\.(ya?ml|json)$/.test(f))
        .sort()
        .map((f) => join(path, f))
    : [path];
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, "utf8"))
      .map((d) => d.toJSON() as Manifest | null)
      .filter((m): m is Manifest => m !== null)
      .map((manifest) => ({ file, manifest })),
  );
}

/**
 * Applies manifests the way `kubectl apply --server-side` does: one apply PATCH per object,
 * which creates it when missing, so running `up` again changes nothing. Returns the NodePorts
 * of the Services applied, where the app answers.
 */
export async function applyManifests(client: Client, path: string, progress: Progress): Promise<number[]> {
  const nodePorts: number[] = [];
  for (const { file, manifest } of readManifests(path)) {
    const kind = kindForApiVersion(manifest.apiVersion, manifest.kind);
    if (!kind) throw new Error(`${file}: minik8s serves no ${manifest.apiVersion} ${manifest.kind}`);
    const namespace = kind.namespaced ? (manifest.metadata.namespace ?? "default") : undefined;
    const applied = (await client.request({
      method: "PATCH",
      path: resourcePath(kind, { namespace, name: manifest.metadata.name }),
      query: { fieldManager: "minik8s-up", force: "true" },
      contentType: "application/apply-patch+yaml",
      body: JSON.stringify(manifest),
    })) as Json;
    progress("apply", `${kind.plural}/${manifest.metadata.name} (${file})`);
    if (manifest.kind === "Service") {
      for (const p of applied?.spec?.ports ?? []) if (p.nodePort) nodePorts.push(p.nodePort);
    }
  }
  return nodePorts;
}

/**
 * Waits until every Deployment in `namespace` has rolled out, as `kubectl rollout status` judges
 * it: the controller saw the latest spec, and all replicas are updated and available (and no old
 * ones are left). False on timeout.
 */
export async function waitForDeployments(
  client: Client,
  namespace: string,
  timeoutMs: number,
  progress: Progress,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const list = (await client.request({
      path: `/apis/apps/v1/namespaces/${namespace}/deployments`,
    })) as Json;
    const items: Json[] = list.items ?? [];
    const line = items
      .map((d) => `${d.metadata.name} ${d.status?.availableReplicas ?? 0}/${d.spec?.replicas ?? 1}`)
      .join(", ");
    if (line !== last) progress("available", line || "(no deployments)");
    last = line;
    if (items.every(rolledOut)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

function rolledOut(d: Json): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    (s.updatedReplicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want
  );
}

/** GETs `url` until it answers 200, for at most `timeoutMs`; the first line of the body, or undefined. */
export async function firstAnswer(url: string, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return (await res.text()).split("\n")[0];
    } catch {
      // rules not in place yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

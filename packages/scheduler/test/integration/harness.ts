import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Event, kindForApiVersion, type Node, type Pod } from "@minik8s/api";
import { type ApiServer, startApiServer } from "@minik8s/apiserver";
import { Client } from "@minik8s/client";
import { defaultSchedulerConfig, profilesFromConfig } from "../../src/config.js";
import type { Framework } from "../../src/framework/framework.js";

export const PODS = kindForApiVersion("v1", "Pod")!;
export const EVENTS = kindForApiVersion("v1", "Event")!;
export const NODES = kindForApiVersion("v1", "Node")!;
export const LEASES = kindForApiVersion("coordination.k8s.io/v1", "Lease")!;

/** A real apiserver on a temp dir and port 0; `close` removes both. */
export async function startCluster(): Promise<{
  apiserver: ApiServer;
  client: Client;
  close(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "scheduler-it-"));
  const apiserver = await startApiServer({ dataDir: dir, port: 0, logger: false });
  const client = new Client({ server: apiserver.url });
  return {
    apiserver,
    client,
    async close() {
      client.close();
      await apiserver.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface NodeShape {
  cpu?: string;
  memory?: string;
  pods?: string;
  gpus?: number;
  labels?: Record<string, string>;
}

/** A Node as a kubelet would register it: capacity, allocatable, Ready (there is no kubelet here). */
export async function createNode(client: Client, name: string, shape: NodeShape = {}): Promise<Node> {
  const resources: Record<string, string> = {
    cpu: shape.cpu ?? "4",
    memory: shape.memory ?? "8Gi",
    pods: shape.pods ?? "110",
  };
  if (shape.gpus) resources["nvidia.com/gpu"] = String(shape.gpus);
  const created = await client.create<Node>({
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...shape.labels } },
  });
  // Status is not taken on create: the kubelet writes it through the status subresource.
  return client.updateStatus<Node>({
    ...created,
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady" }],
    },
  });
}

export interface PodShape {
  cpu?: string;
  memory?: string;
  gpus?: number;
  nodeSelector?: Record<string, string>;
  schedulerName?: string;
}

export function podSpec(name: string, shape: PodShape = {}, namespace = "default"): Pod {
  const requests: Record<string, string> = {};
  if (shape.cpu) requests.cpu = shape.cpu;
  if (shape.memory) requests.memory = shape.memory;
  const limits: Record<string, string> = {};
  if (shape.gpus) {
    requests["nvidia.com/gpu"] = String(shape.gpus);
    limits["nvidia.com/gpu"] = String(shape.gpus);
  }
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace },
    spec: {
      containers: [
        {
          name: "app",
          image: "minik8s/busybox:1",
          resources: { requests, ...(shape.gpus ? { limits } : {}) },
        },
      ],
      ...(shape.nodeSelector ? { nodeSelector: shape.nodeSelector } : {}),
      ...(shape.schedulerName ? { schedulerName: shape.schedulerName } : {}),
    },
  };
}

export async function listPods(client: Client, namespace = "default"): Promise<Pod[]> {
  return (await client.list<Pod>(PODS, { namespace })).items;
}

export async function eventsFor(client: Client, pod: string, namespace = "default"): Promise<Event[]> {
  const list = await client.list<Event>(EVENTS, {
    namespace,
    fieldSelector: `involvedObject.name=${pod}`,
  });
  return list.items;
}

/** Polls `check` until it returns a value other than undefined; bounded by `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

/** Creates pods with a few requests in flight at once, as a burst. */
export async function createPods(client: Client, pods: Pod[], concurrency = 32): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < pods.length) await client.create(pods[next++]!);
    }),
  );
}

/** The profiles `minik8s scheduler` runs without --config. */
export function defaultProfiles(): Map<string, Framework> {
  return profilesFromConfig(defaultSchedulerConfig());
}

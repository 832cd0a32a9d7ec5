import { kindForApiVersion } from "@minik8s/api/registry";
import type { Deployment, ReplicaSet } from "@minik8s/api/schemas/apps";
import type { ConfigMap, Pod } from "@minik8s/api/schemas/core";
import { isNotFound } from "@minik8s/api/status-error";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestCluster, waitFor } from "./support/cluster.js";
import { deployment } from "./support/objects.js";

const PODS = kindForApiVersion("v1", "Pod")!;
const RS = kindForApiVersion("apps/v1", "ReplicaSet")!;
const DEPLOY = kindForApiVersion("apps/v1", "Deployment")!;
const CONFIGMAPS = kindForApiVersion("v1", "ConfigMap")!;
const NAMESPACES = kindForApiVersion("v1", "Namespace")!;
const NS = "gc-test";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start();
  await cluster.client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
});

afterAll(async () => {
  await cluster?.stop();
});

async function gone(get: () => Promise<unknown>): Promise<boolean> {
  try {
    await get();
    return false;
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
}

const podsOf = async (app: string, ns = NS) =>
  (await cluster.client.list<Pod>(PODS, { namespace: ns, labelSelector: `app=${app}` })).items;
const setsOf = async (app: string, ns = NS) =>
  (await cluster.client.list<ReplicaSet>(RS, { namespace: ns, labelSelector: `app=${app}` })).items;

async function runningDeployment(name: string, replicas = 2): Promise<Deployment> {
  const d = await cluster.client.create(deployment(NS, name, replicas));
  await waitFor(`${name}: ${replicas} ready pods`, async () => {
    const pods = await podsOf(name);
    return pods.filter((p) => p.status?.phase === "Running").length === replicas ? pods : undefined;
  });
  return d;
}

describe("garbage collector", () => {
  it("Background: the owner goes at once, then its ReplicaSets and their pods", async () => {
    await runningDeployment("bg");
    await cluster.client.delete(DEPLOY, NS, "bg", { propagationPolicy: "Background" });
    expect(await gone(() => cluster.client.get(DEPLOY, NS, "bg"))).toBe(true);
    await waitFor("bg's ReplicaSets and pods gone", async () =>
      (await setsOf("bg")).length === 0 && (await podsOf("bg")).length === 0 ? true : undefined,
    );
  });

  it("Foreground: the owner stays until its blocking dependents are gone", async () => {
    await runningDeployment("fg");
    await cluster.client.delete(DEPLOY, NS, "fg", { propagationPolicy: "Foreground" });
    const deleting = await cluster.client.get<Deployment>(DEPLOY, NS, "fg");
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect(deleting.metadata.finalizers).toContain("foregroundDeletion");
    await waitFor("fg deleted", () => gone(() => cluster.client.get(DEPLOY, NS, "fg")));
    // Foreground means the dependents went first.
    expect(await setsOf("fg")).toEqual([]);
    expect(await podsOf("fg")).toEqual([]);
  });

  it("Orphan: the owner goes and its dependents stay, without the reference", async () => {
    const d = await runningDeployment("orphan");
    const [rs] = await setsOf("orphan");
    await cluster.client.delete(DEPLOY, NS, "orphan", { propagationPolicy: "Orphan" });
    await waitFor("orphan deleted", () => gone(() => cluster.client.get(DEPLOY, NS, "orphan")));
    const after = await cluster.client.get<ReplicaSet>(RS, NS, rs!.metadata.name ?? "");
    expect(after.metadata.uid).toBe(rs!.metadata.uid);
    expect(after.metadata.ownerReferences ?? []).toEqual([]);
    expect(after.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid)).not.toBe(true);
    // The ReplicaSet still owns and keeps its pods.
    const pods = await podsOf("orphan");
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs!.metadata.uid)).toBe(true);
  });

  it("deletes an object whose owner never existed, and keeps one with a live owner", async () => {
    const owner = await cluster.client.create<ConfigMap>({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "owner", namespace: NS },
    });
    const ref = (name: string, uid: string) => ({ apiVersion: "v1", kind: "ConfigMap", name, uid });
    await cluster.client.create<ConfigMap>({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "kept", namespace: NS, ownerReferences: [ref("owner", owner.metadata.uid ?? "")] },
    });
    await cluster.client.create<ConfigMap>({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "dangling",
        namespace: NS,
        ownerReferences: [ref("nobody", "00000000-0000-0000-0000-000000000000")],
      },
    });
    await waitFor("dangling collected", () => gone(() => cluster.client.get(CONFIGMAPS, NS, "dangling")));
    expect((await cluster.client.get(CONFIGMAPS, NS, "kept")).metadata?.name).toBe("kept");
  });
});

describe("namespace controller", () => {
  it("deletes everything in a terminating namespace, then the namespace", async () => {
    const ns = "doomed";
    await cluster.client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    await cluster.client.create(deployment(ns, "web", 2));
    await cluster.client.create<ConfigMap>({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg", namespace: ns },
    });
    await waitFor("doomed pods running", async () => {
      const pods = await podsOf("web", ns);
      return pods.filter((p) => p.status?.phase === "Running").length === 2 ? pods : undefined;
    });
    await cluster.client.delete(NAMESPACES, undefined, ns);
    await waitFor(
      "namespace doomed removed",
      () => gone(() => cluster.client.get(NAMESPACES, undefined, ns)),
      {
        timeoutMs: 20_000,
      },
    );
    for (const kind of [PODS, RS, DEPLOY, CONFIGMAPS]) {
      expect((await cluster.client.list(kind, { namespace: ns })).items).toEqual([]);
    }
  });
});

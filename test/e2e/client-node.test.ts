import {
  ADD,
  CoreV1Api,
  DELETE,
  ERROR,
  type Informer,
  KubeConfig,
  makeInformer,
  UPDATE,
  type V1Pod,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestApiServer } from "../support/apiserver.js";

/**
 * @kubernetes/client-node against the minik8s apiserver: typed API calls, and an informer that
 * follows pods through adds, updates, deletes, an apiserver restart and a compacted history.
 */
let api: TestApiServer;
let kc: KubeConfig;
let core: CoreV1Api;
const informers: Informer<V1Pod>[] = [];

beforeAll(async () => {
  api = await TestApiServer.start();
  await api.request("POST", "/api/v1/namespaces", { metadata: { name: "informed" } });
  kc = new KubeConfig();
  // client-node refuses plain http unless the cluster says skipTLSVerify.
  kc.loadFromOptions({
    clusters: [{ name: "minik8s", server: api.url, skipTLSVerify: true }],
    users: [{ name: "tester" }],
    contexts: [{ name: "minik8s", cluster: "minik8s", user: "tester", namespace: "default" }],
    currentContext: "minik8s",
  });
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  for (const informer of informers) await informer.stop();
  await api?.close();
});

const podBody = (name: string, labels: Record<string, string> = {}): V1Pod => ({
  metadata: { name, labels },
  spec: { containers: [{ name: "app", image: "nginx:1.25" }] },
});

/** Polls until `check` holds; fails with `what` if it never does. */
async function eventually(what: string, check: () => boolean, waitMs = 15_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("CoreV1Api", () => {
  it("creates, reads and lists namespaced pods", async () => {
    const created = await core.createNamespacedPod({
      namespace: "default",
      body: podBody("cn-1", { app: "cn" }),
    });
    expect(created.metadata?.uid).toEqual(expect.any(String));
    expect(created.status?.phase).toBe("Pending");
    await core.createNamespacedPod({ namespace: "default", body: podBody("cn-2", { app: "cn" }) });

    const read = await core.readNamespacedPod({ name: "cn-1", namespace: "default" });
    expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    expect(read.spec?.containers[0]?.image).toBe("nginx:1.25");

    const list = await core.listNamespacedPod({ namespace: "default", labelSelector: "app=cn" });
    expect(list.items.map((p) => p.metadata?.name)).toEqual(["cn-1", "cn-2"]);
    expect(list.metadata?.resourceVersion).toMatch(/^\d+$/);
  });

  it("patches with a JSON patch, its default patch type", async () => {
    const patched = await core.patchNamespacedPod({
      name: "cn-1",
      namespace: "default",
      body: [{ op: "add", path: "/metadata/labels/patched", value: "yes" }],
    });
    expect(patched.metadata?.labels).toEqual({ app: "cn", patched: "yes" });
  });

  it("reports a missing pod as a 404 with the apiserver's Status", async () => {
    const failure = await core
      .readNamespacedPod({ name: "nobody", namespace: "default" })
      .catch((err) => err);
    expect(failure.code).toBe(404);
    expect(JSON.parse(failure.body)).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
  });
});

describe("informer", () => {
  const PODS = "/api/v1/namespaces/informed/pods";

  function follow() {
    const seen = {
      adds: [] as string[],
      updates: [] as V1Pod[],
      deletes: [] as string[],
      errors: [] as unknown[],
    };
    let lists = 0;
    const informer = makeInformer<V1Pod>(kc, PODS, () => {
      lists++;
      return core.listNamespacedPod({ namespace: "informed" });
    });
    informers.push(informer);
    informer.on(ADD, (pod) => seen.adds.push(pod.metadata?.name ?? ""));
    informer.on(UPDATE, (pod) => seen.updates.push(pod));
    informer.on(DELETE, (pod) => seen.deletes.push(pod.metadata?.name ?? ""));
    informer.on(ERROR, (err) => seen.errors.push(err));
    const names = () =>
      informer
        .list("informed")
        .map((p) => p.metadata?.name ?? "")
        .sort();
    return { informer, seen, names, lists: () => lists };
  }

  async function serverNames(): Promise<string[]> {
    const list = await core.listNamespacedPod({ namespace: "informed" });
    return list.items.map((p) => p.metadata?.name ?? "").sort();
  }

  it("sees pods added, updated and deleted", async () => {
    await core.createNamespacedPod({ namespace: "informed", body: podBody("inf-1") });
    const { informer, seen, names } = follow();
    await informer.start();
    await eventually("the initial pod", () => seen.adds.includes("inf-1"));

    await core.createNamespacedPod({ namespace: "informed", body: podBody("inf-2") });
    await eventually("the added pod", () => seen.adds.includes("inf-2"));

    await core.patchNamespacedPod({
      name: "inf-1",
      namespace: "informed",
      body: [{ op: "add", path: "/metadata/labels/step", value: "updated" }],
    });
    await eventually("the update", () => seen.updates.some((p) => p.metadata?.labels?.step === "updated"));

    await core.deleteNamespacedPod({ name: "inf-2", namespace: "informed" });
    await eventually("the delete", () => seen.deletes.includes("inf-2"));
    expect(names()).toEqual(["inf-1"]);
    expect(seen.errors).toEqual([]);
    await informer.stop();
    await core.deleteNamespacedPod({ name: "inf-1", namespace: "informed" });
  });

  it("relists after a 410 when the history it would resume from was compacted, and misses nothing", async () => {
    for (const name of ["rl-1", "rl-2", "rl-3"]) {
      await core.createNamespacedPod({ namespace: "informed", body: podBody(name) });
    }
    const { informer, seen, names, lists } = follow();
    // What client-node's docs advise: restart the informer after an error. Held back here until
    // the apiserver's history has been compacted, so the restart must resume from a lost revision.
    let reconnect = false;
    informer.on(ERROR, () => {
      if (reconnect) setTimeout(() => void informer.start(), 100);
    });
    await informer.start();
    await eventually("the initial list", () => names().join() === "rl-1,rl-2,rl-3");
    expect(lists()).toBe(1);

    // The apiserver goes away: the watch breaks and the informer reports an error.
    await api.stop();
    await eventually("the informer to notice", () => seen.errors.length > 0);

    // It comes back; things change, the history is compacted, and it restarts once more so
    // nothing before the compaction can be replayed.
    await api.resume();
    await core.createNamespacedPod({ namespace: "informed", body: podBody("rl-4") });
    await core.patchNamespacedPod({
      name: "rl-3",
      namespace: "informed",
      body: [{ op: "add", path: "/metadata/labels/while", value: "away" }],
    });
    await core.deleteNamespacedPod({ name: "rl-1", namespace: "informed" });
    await api.server.store.compact(await api.server.store.currentRevision());
    await api.stop();
    await api.resume();

    reconnect = true;
    void informer.start();
    await eventually("the relist", () => lists() === 2);
    const expected = await serverNames();
    expect(expected).toEqual(["rl-2", "rl-3", "rl-4"]);
    await eventually("the informer to match the server", () => names().join() === expected.join());
    expect(seen.adds).toContain("rl-4");
    expect(seen.deletes).toContain("rl-1");
    expect(seen.updates.some((p) => p.metadata?.name === "rl-3" && p.metadata.labels?.while === "away")).toBe(
      true,
    );

    // And it watches again from the relisted state.
    await core.createNamespacedPod({ namespace: "informed", body: podBody("rl-5") });
    await eventually("a pod made after the relist", () => seen.adds.includes("rl-5"));
    expect(lists()).toBe(2);
  });
});

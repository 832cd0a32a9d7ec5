import { type KindInfo, kindForApiVersion } from "@minik8s/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../src/clock.js";
import { type DeleteInfo, Informer } from "../src/informer.js";
import type { KubeObject } from "../src/kube-object.js";
import { Client } from "../src/rest-client.js";
import { type FakeApiServer, startFakeApiServer } from "./fake-apiserver.js";
import { until } from "./until.js";

const PODS = kindForApiVersion("v1", "Pod") as KindInfo;

type Pod = KubeObject & { spec?: { nodeName?: string } };

function pod(name: string, nodeName?: string, namespace = "default"): Pod {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace }, spec: nodeName ? { nodeName } : {} };
}

/** Records handler calls as short strings: `add a`, `update a`, `delete a (unknown)`. */
function recorder(informer: Informer<Pod>): string[] {
  const seen: string[] = [];
  informer.addEventHandler({
    onAdd: (p) => seen.push(`add ${p.metadata?.name}`),
    onUpdate: (o, n) => seen.push(o === n ? `resync ${n.metadata?.name}` : `update ${n.metadata?.name}`),
    onDelete: (p, info: DeleteInfo) =>
      seen.push(`delete ${p.metadata?.name}${info.finalStateUnknown ? " (unknown)" : ""}`),
  });
  return seen;
}

function watchRequests(server: FakeApiServer): string[] {
  return server.requests.filter((r) => r.url.includes("watch=true")).map((r) => r.url);
}

describe("Informer", () => {
  let server: FakeApiServer;
  let client: Client;
  let informer: Informer<Pod> | undefined;

  beforeEach(async () => {
    server = await startFakeApiServer();
    client = new Client({ server: server.url });
  });
  afterEach(async () => {
    await informer?.stop();
    informer = undefined;
    client.close();
    await server.close();
  });

  function start(opts: Partial<ConstructorParameters<typeof Informer<Pod>>[1]> = {}): Informer<Pod> {
    informer = new Informer<Pod>(client, {
      resource: PODS,
      backoff: { initialMs: 1, maxMs: 5 },
      indexers: { nodeName: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) },
      ...opts,
    });
    return informer;
  }

  it("lists, then follows the watch with add, update and delete", async () => {
    await client.create(pod("a", "n1"));
    await client.create(pod("b"));
    const inf = start();
    const seen = recorder(inf);
    expect(inf.hasSynced()).toBe(false);
    inf.start();
    expect(await inf.waitForSync()).toBe(true);
    expect(
      inf
        .list()
        .map((p) => p.metadata?.name)
        .sort(),
    ).toEqual(["a", "b"]);
    expect(inf.byIndex("nodeName", "n1").map((p) => p.metadata?.name)).toEqual(["a"]);
    expect(inf.byNamespace("default")).toHaveLength(2);

    await until("watch open", () => server.watcherCount() === 1);
    await client.create(pod("c"));
    await client.bind("default", "b", "n1");
    await client.delete(PODS, "default", "a");
    await until("three events", () => seen.length === 5);
    expect(seen).toEqual(["add a", "add b", "add c", "update b", "delete a"]);
    expect(inf.get("default/b")?.spec?.nodeName).toBe("n1");
    expect(inf.byIndex("nodeName", "n1").map((p) => p.metadata?.name)).toEqual(["b"]);
    expect(inf.get("default/a")).toBeUndefined();
    expect(inf.lastSyncResourceVersion).toBe(String(server.revision));
  });

  it("resumes a cut watch from the last resourceVersion without listing again", async () => {
    const inf = start();
    const seen = recorder(inf);
    inf.start();
    await inf.waitForSync();
    await until("watch open", () => server.watcherCount() === 1);
    await client.create(pod("a"));
    await until("add a", () => seen.includes("add a"));
    const rvAfterA = inf.lastSyncResourceVersion;

    server.cutWatches();
    await client.create(pod("b")); // made while no watch is open: replayed from the log on resume
    await until("add b", () => seen.includes("add b"));
    const lists = server.requests.filter((r) => r.method === "GET" && !r.url.includes("watch=true"));
    expect(lists).toHaveLength(1);
    expect(watchRequests(server).at(-1)).toContain(`resourceVersion=${rvAfterA}`);
    expect(seen).toEqual(["add a", "add b"]);
  });

  it("keeps a bookmark's resourceVersion for the next resume", async () => {
    const inf = start();
    inf.start();
    await inf.waitForSync();
    await until("watch open", () => server.watcherCount() === 1);
    server.putSilently("configmaps", { metadata: { name: "elsewhere", namespace: "default" } });
    server.bookmark();
    await until("bookmark seen", () => inf.lastSyncResourceVersion === String(server.revision));
    server.cutWatches();
    await until("resumed", () => watchRequests(server).length === 2);
    expect(watchRequests(server)[1]).toContain(`resourceVersion=${server.revision}`);
  });

  for (const goneAs of ["event", "http"] as const) {
    it(`relists on 410 Gone (${goneAs === "event" ? "an ERROR event" : "an HTTP 410"}) and delivers what changed`, async () => {
      server.goneAs = goneAs;
      await client.create(pod("stays"));
      await client.create(pod("vanishes"));
      await client.create(pod("changes"));
      const inf = start();
      const seen = recorder(inf);
      inf.start();
      await inf.waitForSync();
      await until("watch open", () => server.watcherCount() === 1);

      // While the watch is down, history is lost: these changes arrive only by listing again.
      if (goneAs === "http") server.cutWatches();
      server.removeSilently("pods", "default", "vanishes");
      server.putSilently("pods", pod("new"));
      server.putSilently("pods", { ...pod("changes", "n9") });
      server.expireWatches();

      await until("relisted", () => seen.length === 6);
      expect(seen.slice(3).sort()).toEqual(["add new", "delete vanishes (unknown)", "update changes"].sort());
      expect(inf.keys().sort()).toEqual(["default/changes", "default/new", "default/stays"]);
      expect(inf.byIndex("nodeName", "n9")).toHaveLength(1);
      const lists = server.requests.filter((r) => r.method === "GET" && !r.url.includes("watch=true"));
      expect(lists).toHaveLength(2);
    });
  }

  it("backs off and retries when the apiserver fails the list", async () => {
    let failures = 2;
    server.intercept = (r) =>
      !r.url.includes("watch") && failures-- > 0 ? { status: 500, body: "oops" } : undefined;
    const warnings: string[] = [];
    const inf = start({
      logger: { debug() {}, info() {}, error() {}, warn: (_f, m) => warnings.push(m) },
    });
    inf.start();
    expect(await inf.waitForSync()).toBe(true);
    expect(warnings).toEqual(["list failed; retrying", "list failed; retrying"]);
  });

  it("re-delivers every object on resync (fake clock)", async () => {
    const clock = new FakeClock();
    await client.create(pod("a"));
    await client.create(pod("b"));
    const inf = start({ clock, resyncPeriodMs: 30_000 });
    const seen = recorder(inf);
    inf.start();
    await inf.waitForSync();
    clock.advance(29_999);
    expect(seen).toEqual(["add a", "add b"]);
    clock.advance(1);
    expect(seen.slice(2).sort()).toEqual(["resync a", "resync b"]);
    clock.advance(30_000);
    expect(seen).toHaveLength(6);
  });

  it("replays adds to a handler registered after sync, and isolates a throwing handler", async () => {
    await client.create(pod("a"));
    const inf = start();
    inf.onAdd(() => {
      throw new Error("bad handler");
    });
    inf.start();
    await inf.waitForSync();
    const late: string[] = [];
    const off = inf.onAdd((p) => late.push(p.metadata?.name ?? ""));
    expect(late).toEqual(["a"]);
    await until("watch open", () => server.watcherCount() === 1);
    await client.create(pod("b"));
    await until("b arrives", () => late.length === 2);
    off();
    await client.create(pod("c"));
    await until("c cached", () => inf.get("default/c") !== undefined);
    expect(late).toEqual(["a", "b"]);
  });

  it("waitForSync says false when stopped before syncing", async () => {
    server.intercept = () => ({ status: 500, body: "down" });
    const inf = start();
    inf.start();
    const waiting = inf.waitForSync();
    await inf.stop();
    expect(await waiting).toBe(false);
  });
});

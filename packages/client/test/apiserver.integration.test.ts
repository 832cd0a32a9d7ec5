import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Event,
  isConflict,
  isNotFound,
  type KindInfo,
  kindForApiVersion,
  type Lease,
} from "@minik8s/api";
import { type ApiServer, startApiServer } from "@minik8s/apiserver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventRecorder } from "../src/event-recorder.js";
import { Informer } from "../src/informer.js";
import type { KubeObject } from "../src/kube-object.js";
import { LeaderElector } from "../src/leader-election.js";
import { Client } from "../src/rest-client.js";
import type { WatchStreamEvent } from "../src/watch-stream.js";
import { until } from "./until.js";

const CONFIGMAPS = kindForApiVersion("v1", "ConfigMap") as KindInfo;
const LEASES = kindForApiVersion("coordination.k8s.io/v1", "Lease") as KindInfo;
const EVENTS = kindForApiVersion("v1", "Event") as KindInfo;

type ConfigMap = KubeObject & { data?: Record<string, string> };

function configMap(name: string, data: Record<string, string> = {}): ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "default", labels: { app: "it" } },
    data,
  };
}

describe("client against the real apiserver", () => {
  let dir: string;
  let apiserver: ApiServer;
  let client: Client;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "client-it-"));
    apiserver = await startApiServer({ dataDir: dir, port: 0, logger: false });
    client = new Client({ server: apiserver.url });
  });
  afterAll(async () => {
    client.close();
    await apiserver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("creates, gets, lists, patches and deletes", async () => {
    const created = await client.create(configMap("one", { a: "1" }));
    expect(created.metadata?.uid).toBeTruthy();
    expect((await client.get<ConfigMap>(CONFIGMAPS, "default", "one")).data).toEqual({ a: "1" });
    const list = await client.list<ConfigMap>(CONFIGMAPS, { namespace: "default", labelSelector: "app=it" });
    expect(list.items.map((c) => c.metadata?.name)).toEqual(["one"]);
    const patched = await client.patch<ConfigMap>(
      CONFIGMAPS,
      "default",
      "one",
      "application/merge-patch+json",
      {
        data: { b: "2" },
      },
    );
    expect(patched.data).toEqual({ a: "1", b: "2" });
    const stale = await client.update({ ...created, data: { c: "3" } }).catch((e) => e);
    expect(isConflict(stale)).toBe(true);
    await client.delete(CONFIGMAPS, "default", "one");
    expect(isNotFound(await client.get(CONFIGMAPS, "default", "one").catch((e) => e))).toBe(true);
  });

  it("watches from a list's resourceVersion", async () => {
    const list = await client.list(CONFIGMAPS, { namespace: "default" });
    const stream = await client.watch<ConfigMap>(CONFIGMAPS, {
      namespace: "default",
      resourceVersion: list.metadata.resourceVersion,
    });
    const seen: WatchStreamEvent<ConfigMap>[] = [];
    const done = (async () => {
      for await (const e of stream) if (e.type !== "BOOKMARK") seen.push(e);
    })();
    await client.create(configMap("two"));
    await client.delete(CONFIGMAPS, "default", "two");
    await until("two events", () => seen.length === 2);
    stream.close();
    await done;
    expect(seen.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(["ADDED two", "DELETED two"]);
  });

  it("keeps an informer's cache in step", async () => {
    await client.create(configMap("before"));
    const informer = new Informer<ConfigMap>(client, { resource: CONFIGMAPS, namespace: "default" });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (c) => seen.push(`add ${c.metadata?.name}`),
      onUpdate: (_o, n) => seen.push(`update ${n.metadata?.name}`),
      onDelete: (c) => seen.push(`delete ${c.metadata?.name}`),
    });
    informer.start();
    try {
      expect(await informer.waitForSync()).toBe(true);
      expect(informer.get("default/before")).toBeDefined();
      await client.create(configMap("after"));
      await client.patch(CONFIGMAPS, "default", "after", "application/merge-patch+json", {
        data: { x: "y" },
      });
      await client.delete(CONFIGMAPS, "default", "before");
      await until("events", () => seen.length === 4);
      expect(seen).toEqual(["add before", "add after", "update after", "delete before"]);
      expect(informer.get("default/after")?.data).toEqual({ x: "y" });
    } finally {
      await informer.stop();
    }
  });

  it("elects a leader over a real Lease", async () => {
    const a = new LeaderElector({
      client,
      namespace: "default",
      name: "it-lock",
      identity: "a",
      retryPeriodMs: 50,
    });
    a.start();
    try {
      await until("a leads", () => a.isLeader());
      const lease = await client.get<Lease>(LEASES, "default", "it-lock");
      expect(lease.spec?.holderIdentity).toBe("a");
    } finally {
      await a.stop();
    }
    expect((await client.get<Lease>(LEASES, "default", "it-lock")).spec?.holderIdentity).toBeFalsy();
  });

  it("records events, counting a repeat on the same Event instead of creating another", async () => {
    const recorder = new EventRecorder({ client, component: "it-controller", host: "it-host" });
    const subject = await client.create(configMap("evented"));
    recorder.event(subject, "Warning", "Broken", "the same message");
    recorder.event(subject, "Warning", "Broken", "the same message");
    recorder.event(subject, "Normal", "Fixed", "another message");
    await recorder.flush();
    const events = (
      await client.list<Event>(EVENTS, {
        namespace: "default",
        fieldSelector: "involvedObject.name=evented",
      })
    ).items;
    const byReason = Object.fromEntries(events.map((e) => [e.reason, e]));
    expect(events).toHaveLength(2);
    expect(byReason.Broken).toMatchObject({
      type: "Warning",
      count: 2,
      message: "the same message",
      involvedObject: { kind: "ConfigMap", name: "evented", uid: subject.metadata?.uid },
      source: { component: "it-controller", host: "it-host" },
    });
    expect(byReason.Fixed).toMatchObject({ type: "Normal", count: 1 });
  });
});

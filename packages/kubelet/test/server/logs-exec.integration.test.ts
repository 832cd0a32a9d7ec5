import { PassThrough, Readable } from "node:stream";
import type { Node, Pod } from "@minik8s/api";
import { CHANNEL_PROTOCOLS, type Client, streamExec } from "@minik8s/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kubelet } from "../../src/kubelet.js";
import { NODES } from "../../src/node/node-registration.js";
import { SimRuntime } from "../../src/runtime/sim-runtime.js";
import { PODS } from "../../src/status/status-writer.js";
import { MACHINE, startCluster, type TestCluster, until } from "../support.js";

const NODE = "sim-logs-1";
const POD_PATH = "/api/v1/namespaces/default/pods";

/** apiserver → kubelet server → sim runtime: what `kubectl logs` and `kubectl exec` go through. */
describe("pods/log and pods/exec through the kubelet server", () => {
  let cluster: TestCluster;
  let client: Client;
  const sim = new SimRuntime({ images: ["minik8s/busybox:1"] });
  let kubelet: Kubelet;
  let uid = "";

  const exec = async (command: string[], opts: { stdin?: string; container?: string } = {}) => {
    const ws = await client.openWebSocket({
      path: `${POD_PATH}/app/exec`,
      query: {
        command,
        container: opts.container ?? "web",
        stdout: true,
        stderr: true,
        ...(opts.stdin !== undefined ? { stdin: true } : {}),
      },
      protocols: CHANNEL_PROTOCOLS,
    });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on("data", (c: Buffer) => chunks.push(c));
    const handle = streamExec(ws, {
      stdout,
      stderr,
      ...(opts.stdin !== undefined ? { stdin: Readable.from([Buffer.from(opts.stdin)]) } : {}),
    });
    const code = await handle.done;
    return { code, out: Buffer.concat(chunks).toString(), protocol: ws.protocol };
  };

  beforeAll(async () => {
    cluster = await startCluster();
    client = cluster.client;
    kubelet = new Kubelet({
      client,
      nodeName: NODE,
      runtime: sim,
      rootDir: cluster.dir,
      machine: { ...MACHINE, internalIP: "127.0.0.1" },
      relistPeriodMs: 20,
      server: { port: 0, address: "127.0.0.1" },
    });
    await kubelet.start();
    const created = await client.create<Pod>({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "app", namespace: "default" },
      spec: {
        nodeName: NODE,
        containers: [
          { name: "web", image: "minik8s/busybox:1" },
          { name: "side", image: "minik8s/busybox:1" },
        ],
      },
    });
    uid = created.metadata.uid ?? "";
    await until(
      "pod Running",
      async () => (await client.get<Pod>(PODS, "default", "app")).status?.phase === "Running",
    );
  });
  afterAll(async () => {
    await kubelet?.stop();
    await cluster?.close();
  });

  it("reports the kubelet port in the node's daemonEndpoints", async () => {
    await until("daemonEndpoints", async () => {
      const node = await client.get<Node>(NODES, undefined, NODE);
      return node.status?.daemonEndpoints?.kubeletEndpoint?.Port === kubelet.port;
    });
    expect(kubelet.port).toBeGreaterThan(0);
  });

  it("serves logs, with tailLines and timestamps", async () => {
    sim.writeLog(sim.running(uid, "web")!.id, "one\ntwo\nthree");
    const all = await client.requestText({ path: `${POD_PATH}/app/log`, query: { container: "web" } });
    expect(all).toBe("one\ntwo\nthree\n");
    const tail = await client.requestText({
      path: `${POD_PATH}/app/log`,
      query: { container: "web", tailLines: 1 },
    });
    expect(tail).toBe("three\n");
    const stamped = await client.requestText({
      path: `${POD_PATH}/app/log`,
      query: { container: "web", tailLines: 1, timestamps: true },
    });
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z three\n$/);
  });

  it("streams a followed log as lines are written", async () => {
    const controller = new AbortController();
    const stream = await client.requestStream({
      path: `${POD_PATH}/app/log`,
      query: { container: "web", follow: true, tailLines: 0 },
      signal: controller.signal,
    });
    const id = sim.running(uid, "web")!.id;
    let text = "";
    const reading = (async () => {
      try {
        for await (const chunk of stream) {
          text += Buffer.from(chunk).toString();
          if (text.includes("later-2")) break;
        }
      } catch {}
    })();
    await until(
      "first line",
      () => {
        sim.writeLog(id, "later-1");
        return text.includes("later-1");
      },
      100,
    );
    sim.writeLog(id, "later-2");
    await reading;
    controller.abort();
    expect(text).toContain("later-1\n");
    expect(text).toContain("later-2\n");
  });

  it("answers Kubernetes' errors: no container named, unknown container, unknown pod", async () => {
    await expect(client.requestText({ path: `${POD_PATH}/app/log` })).rejects.toMatchObject({
      code: 400,
      message: "a container name must be specified for pod app, choose one of: [web side]",
    });
    await expect(
      client.requestText({ path: `${POD_PATH}/app/log`, query: { container: "nope" } }),
    ).rejects.toMatchObject({ code: 400, message: "container nope is not valid for pod app" });
    await expect(
      client.requestText({ path: `${POD_PATH}/ghost/log`, query: { container: "web" } }),
    ).rejects.toMatchObject({
      code: 404,
    });
    await expect(
      client.requestText({ path: `${POD_PATH}/app/log`, query: { container: "web", previous: true } }),
    ).rejects.toMatchObject({
      code: 400,
      message: 'previous terminated container "web" in pod "app" not found',
    });
  });

  it("runs exec over v5 and carries the exit code", async () => {
    const ok = await exec(["echo", "hi"]);
    expect(ok).toEqual({ code: 0, out: "hi\n", protocol: "v5.channel.k8s.io" });
    const failed = await exec(["sh", "-c", "exit 3"]);
    expect(failed.code).toBe(3);
  });

  it("feeds stdin and closes it with [255, 0]", async () => {
    const result = await exec(["cat"], { stdin: "piped text\n" });
    expect(result).toMatchObject({ code: 0, out: "piped text\n" });
  });

  it("refuses exec into an unknown pod with a Status", async () => {
    await expect(
      client.openWebSocket({
        path: `${POD_PATH}/ghost/exec`,
        query: { command: "sh", container: "web", stdout: true },
        protocols: CHANNEL_PROTOCOLS,
      }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it("says a container is waiting to start, and that an unreachable kubelet is unavailable", async () => {
    // A node whose kubelet is gone: its port refuses connections.
    await client.create<Node>({ apiVersion: "v1", kind: "Node", metadata: { name: "gone" } });
    const node = await client.get<Node>(NODES, undefined, "gone");
    await client.updateStatus<Node>({
      ...node,
      status: {
        addresses: [{ type: "InternalIP", address: "127.0.0.1" }],
        daemonEndpoints: { kubeletEndpoint: { Port: 1 } },
      },
    });
    const stray = await client.create<Pod>({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "stray", namespace: "default" },
      spec: { nodeName: "gone", containers: [{ name: "main", image: "minik8s/busybox:1" }] },
    });
    await expect(
      client.requestText({ path: `${POD_PATH}/stray/log`, query: { container: "main" } }),
    ).rejects.toMatchObject({
      code: 400,
      message: 'container "main" in pod "stray" is waiting to start: ContainerCreating',
    });
    await client.updateStatus<Pod>({
      ...stray,
      status: {
        phase: "Running",
        containerStatuses: [
          {
            name: "main",
            ready: true,
            restartCount: 0,
            image: "minik8s/busybox:1",
            imageID: "",
            state: { running: {} },
          },
        ],
      },
    });
    await expect(
      client.requestText({ path: `${POD_PATH}/stray/log`, query: { container: "main" } }),
    ).rejects.toMatchObject({ code: 503, reason: "ServiceUnavailable" });
    await expect(
      client.openWebSocket({
        path: `${POD_PATH}/stray/exec`,
        query: { command: "sh", stdout: true },
        protocols: CHANNEL_PROTOCOLS,
      }),
    ).rejects.toMatchObject({ code: 503 });
  });

  it("keeps the previous instance's logs after a restart", async () => {
    const first = sim.running(uid, "side")!;
    sim.writeLog(first.id, "before the crash");
    sim.exit(first.id, 1);
    await until(
      "side restarted",
      async () => {
        const pod = await client.get<Pod>(PODS, "default", "app");
        return (
          (pod.status?.containerStatuses?.find((s) => s.name === "side")?.restartCount ?? 0) >= 1 &&
          sim.running(uid, "side") !== undefined
        );
      },
      2000,
    );
    const previous = await client.requestText({
      path: `${POD_PATH}/app/log`,
      query: { container: "side", previous: true },
    });
    expect(previous).toBe("before the crash\n");
  });
});

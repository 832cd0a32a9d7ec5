import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Event, isNotFound, type KindInfo, kindForApiVersion, type Pod } from "@minik8s/api";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDocker, dockerCli } from "../../../../test/support/docker.js";
import { Kubelet } from "../../src/kubelet.js";
import { LABELS } from "../../src/runtime/container-runtime.js";
import { DockerRuntime } from "../../src/runtime/docker-runtime.js";
import { PODS } from "../../src/status/status-writer.js";
import { mountsUnder, unmount } from "../../src/volumes/tmpfs.js";
import { volumeDir } from "../../src/volumes/volume-paths.js";
import { startCluster, type TestCluster, until } from "../support.js";

// Every container these tests make carries this node label; afterAll removes them all by it.
const NODE = `e2e-config-${randomBytes(4).toString("hex")}`;
const BUSYBOX = "minik8s/busybox:1";
const EVENTS = kindForApiVersion("v1", "Event") as KindInfo;

function pod(name: string, containers: Pod["spec"]["containers"], extra: Partial<Pod["spec"]> = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers, ...extra },
  };
}

describeWithDocker("kubelet configuration on real Docker", () => {
  let cluster: TestCluster;
  let kubelet: Kubelet;
  const getPod = (name: string) => cluster.client.get<Pod>(PODS, "default", name);
  const status = async (name: string, i = 0) => (await getPod(name)).status?.containerStatuses?.[i];
  const eventsOf = async (name: string) =>
    (await cluster.client.list<Event>(EVENTS, { namespace: "default" })).items.filter(
      (e) => e.involvedObject.name === name,
    );
  const deleteAndWait = async (name: string, gracePeriodSeconds?: number) => {
    await cluster.client.delete(PODS, "default", name, { gracePeriodSeconds });
    await until(
      `${name} gone`,
      () =>
        getPod(name).then(
          () => false,
          (err) => isNotFound(err),
        ),
      3000,
    );
  };

  beforeAll(async () => {
    cluster = await startCluster();
    kubelet = new Kubelet({
      client: cluster.client,
      nodeName: NODE,
      runtime: new DockerRuntime(),
      rootDir: cluster.dir,
      relistPeriodMs: 200,
    });
    await kubelet.start();
  });

  afterAll(async () => {
    await kubelet?.stop();
    const ids = (await dockerCli(["ps", "-aq", "--filter", `label=${LABELS.node}=${NODE}`]))
      .split("\n")
      .filter(Boolean);
    if (ids.length > 0) await dockerCli(["rm", "-f", "-v", ...ids]);
    if (cluster) for (const m of await mountsUnder(cluster.dir)) await unmount(m);
    await cluster?.close();
  });

  it("configMap and secret volumes and env, emptyDir on tmpfs, runAsUser and a read-only root", {
    timeout: 60_000,
  }, async () => {
    await cluster.client.create({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "app-config", namespace: "default" },
      data: { "app.conf": "mode=prod\n", GREETING: "hello" },
    });
    await cluster.client.create({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "app-secret", namespace: "default" },
      stringData: { password: "s3cret" },
    });
    const script = [
      "cat /etc/cfg/app.conf > /out/cfg",
      "cat /etc/sec/pw > /out/sec",
      'echo "$GREETING $PW $POD_IP" > /out/env',
      "(touch /etc/cfg/x 2>/dev/null && echo rw || echo ro) > /out/cfg-mode",
      "grep ' /cache ' /proc/mounts | cut -d' ' -f3 > /out/cache-fs",
      "exec sleep 1000",
    ].join("; ");
    const created = await cluster.client.create<Pod>(
      pod(
        "files",
        [
          {
            name: "reader",
            image: BUSYBOX,
            command: ["sh", "-c", script],
            envFrom: [{ configMapRef: { name: "app-config" } }],
            env: [
              { name: "PW", valueFrom: { secretKeyRef: { name: "app-secret", key: "password" } } },
              { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
            ],
            volumeMounts: [
              { name: "cfg", mountPath: "/etc/cfg" },
              { name: "sec", mountPath: "/etc/sec" },
              { name: "out", mountPath: "/out" },
              { name: "cache", mountPath: "/cache" },
            ],
          },
          {
            name: "locked",
            image: BUSYBOX,
            command: [
              "sh",
              "-c",
              "id -u > /out/uid; grep CapBnd /proc/self/status | tr -d ' \\t' > /out/caps; (touch /root-test 2>/dev/null && echo rw || echo ro) > /out/rootfs; exec sleep 1000",
            ],
            securityContext: {
              runAsUser: 1000,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
              allowPrivilegeEscalation: false,
            },
            volumeMounts: [{ name: "out", mountPath: "/out" }],
          },
        ],
        {
          volumes: [
            {
              name: "cfg",
              configMap: { name: "app-config", items: [{ key: "app.conf", path: "app.conf" }] },
            },
            { name: "sec", secret: { secretName: "app-secret", items: [{ key: "password", path: "pw" }] } },
            { name: "out", emptyDir: {} },
            { name: "cache", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
          ],
        },
      ),
    );
    const out = volumeDir(cluster.dir, created.metadata.uid!, "empty-dir", "out");
    const read = (f: string) => readFile(join(out, f), "utf8").catch(() => "");
    await until("both containers wrote their files", async () => (await read("rootfs")) !== "", 3000);
    await until("reader wrote its files", async () => (await read("cache-fs")) !== "", 3000);
    await until("pod IP reported", async () => (await getPod("files")).status?.podIP !== undefined, 3000);
    const podIP = (await getPod("files")).status?.podIP;
    expect(await read("cfg")).toBe("mode=prod\n");
    expect(await read("sec")).toBe("s3cret");
    expect(await read("env")).toBe(`hello s3cret ${podIP}\n`);
    expect(await read("cfg-mode")).toBe("ro\n");
    // Only root may mount a tmpfs; otherwise the kubelet falls back to a plain directory.
    if (process.getuid?.() === 0) expect(await read("cache-fs")).toBe("tmpfs\n");
    else expect(await read("cache-fs")).not.toBe("tmpfs\n");
    expect(await read("uid")).toBe("1000\n");
    expect(await read("rootfs")).toBe("ro\n");
    expect(await read("caps")).toBe("CapBnd:0000000000000000\n"); // drop: [ALL] empties the bounding set

    const events = await eventsOf("files");
    expect(events.find((e) => e.reason === "Pulled")?.message).toBe(
      `Container image "${BUSYBOX}" already present on machine`,
    );
    expect(events.map((e) => e.message)).toEqual(
      expect.arrayContaining(["Created container: reader", "Started container locked"]),
    );
    expect(events[0]?.source).toEqual({ component: "kubelet", host: NODE });

    await deleteAndWait("files");
    // The pod's volumes (tmpfs mounts included) go with it.
    expect(await mountsUnder(join(cluster.dir, "pods", created.metadata.uid!))).toEqual([]);
    await expect(readFile(join(out, "cfg"))).rejects.toThrow();
  });

  it("a missing ConfigMap is CreateContainerConfigError until it is created", {
    timeout: 60_000,
  }, async () => {
    await cluster.client.create(
      pod("late", [
        {
          name: "c",
          image: BUSYBOX,
          command: ["sleep", "1000"],
          env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "late-config", key: "x" } } }],
        },
      ]),
    );
    await until(
      "CreateContainerConfigError",
      async () => {
        return (await status("late"))?.state?.waiting?.reason === "CreateContainerConfigError";
      },
      3000,
    );
    expect((await status("late"))?.state?.waiting?.message).toBe('configmap "late-config" not found');
    await cluster.client.create({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "late-config", namespace: "default" },
      data: { x: "1" },
    });
    await until("running", async () => (await status("late"))?.state?.running !== undefined, 3000);
    await deleteAndWait("late");
  });

  it("a container over its memory limit is OOMKilled", { timeout: 60_000 }, async () => {
    await cluster.client.create(
      pod(
        "hog",
        [
          {
            name: "hog",
            image: BUSYBOX,
            command: ["sh", "-c", "head -c 200m /dev/zero | tail"],
            resources: { limits: { memory: "32Mi" } },
          },
        ],
        { restartPolicy: "Never" },
      ),
    );
    await until("terminated", async () => (await status("hog"))?.state?.terminated !== undefined, 3000);
    expect((await status("hog"))?.state?.terminated).toMatchObject({ reason: "OOMKilled", exitCode: 137 });
    expect((await getPod("hog")).status?.phase).toBe("Failed");
    await deleteAndWait("hog");
  });

  it("a container ignoring SIGTERM is killed when the grace period ends", { timeout: 60_000 }, async () => {
    await cluster.client.create(
      pod("stubborn", [
        { name: "c", image: BUSYBOX, command: ["sh", "-c", 'trap "" TERM; sleep 1000 & wait'] },
      ]),
    );
    await until("running", async () => (await status("stubborn"))?.state?.running !== undefined, 3000);
    const started = Date.now();
    await deleteAndWait("stubborn", 2);
    // A lower bound, not a speed check: the kubelet waited the grace period out before SIGKILL.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect((await eventsOf("stubborn")).map((e) => `${e.reason}: ${e.message}`)).toContain(
      "Killing: Stopping container c",
    );
  });

  it("an image that cannot be pulled goes ErrImagePull, then ImagePullBackOff", {
    timeout: 60_000,
  }, async () => {
    // A registry on a closed loopback port: the pull fails at once, no network needed.
    const image = "127.0.0.1:1/minik8s/absent:1";
    await cluster.client.create(pod("nopull", [{ name: "c", image }]));
    await until(
      "ImagePullBackOff",
      async () => {
        return (await status("nopull"))?.state?.waiting?.reason === "ImagePullBackOff";
      },
      3000,
    );
    expect((await status("nopull"))?.state?.waiting?.message).toBe(`Back-off pulling image "${image}"`);
    const events = (await eventsOf("nopull")).map((e) => `${e.type} ${e.reason}: ${e.message}`);
    expect(events).toEqual(
      expect.arrayContaining([
        `Normal Pulling: Pulling image "${image}"`,
        "Warning Failed: Error: ErrImagePull",
        `Normal BackOff: Back-off pulling image "${image}"`,
      ]),
    );
    await deleteAndWait("nopull");
  });
});

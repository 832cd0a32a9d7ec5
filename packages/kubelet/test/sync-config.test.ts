import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeObject } from "@minik8s/client";
import { silentLogger } from "@minik8s/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StaticConfigSource } from "../src/env/config-source.js";
import { VolumeManager } from "../src/volumes/volume-manager.js";
import { app, makePod, SyncHarness } from "./sync-harness.js";

/** Events as the recorder would get them. */
class Events {
  readonly all: { type: string; reason: string; message: string }[] = [];
  event(_obj: KubeObject, type: string, reason: string, message: string): void {
    this.all.push({ type, reason, message });
  }
  reasons(): string[] {
    return this.all.map((e) => e.reason);
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kubelet-sync-config-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function harness() {
  const config = new StaticConfigSource();
  const events = new Events();
  const volumes = new VolumeManager({
    rootDir: join(dir, `root-${Math.random()}`),
    source: config,
    logger: silentLogger,
  });
  const h = new SyncHarness(undefined, {
    config,
    events,
    volumes,
    allocatable: { cpuMillis: 2000, memoryBytes: 2 ** 30 },
  });
  return { h, config, events };
}

describe("syncPod: configuration from the API", () => {
  it("a missing ConfigMap is CreateContainerConfigError, retried soon, and the pod starts once it exists", async () => {
    const { h, config, events } = harness();
    const pod = makePod("cm", {
      containers: [
        app("a", { env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "c", key: "k" } } }] }),
      ],
    });
    expect(await h.sync(pod)).toEqual({ requeueAfterMs: 2_000 });
    expect(h.status(pod).containerStatuses?.[0]?.state?.waiting).toEqual({
      reason: "CreateContainerConfigError",
      message: 'configmap "c" not found',
    });
    expect(events.all).toContainEqual({
      type: "Warning",
      reason: "Failed",
      message: 'Error: configmap "c" not found',
    });

    config.addConfigMap("default", "c", { k: "v" });
    expect(await h.sync(pod)).toEqual({});
    const a = h.sim.running(pod.metadata.uid!, "a")!;
    expect(h.sim.configOf(a.id)?.env.X).toBe("v");
    expect(h.status(pod).containerStatuses?.[0]?.state?.running).toBeDefined();
  });

  it("records Pulled/Created/Started events in Kubernetes' words", async () => {
    const { h, events } = harness();
    h.sim.failPull("missing:1");
    const pod = makePod("ev", {
      containers: [app("a", { imagePullPolicy: "Always" }), app("b", { image: "missing:1" })],
    });
    await h.sync(pod);
    expect(events.all).toEqual(
      expect.arrayContaining([
        { type: "Normal", reason: "Pulling", message: 'Pulling image "minik8s/busybox:1"' },
        { type: "Normal", reason: "Created", message: "Created container: a" },
        { type: "Normal", reason: "Started", message: "Started container a" },
        { type: "Normal", reason: "Pulling", message: 'Pulling image "missing:1"' },
        {
          type: "Warning",
          reason: "Failed",
          message:
            'Failed to pull image "missing:1": pull access denied for missing:1, repository does not exist',
        },
        { type: "Warning", reason: "Failed", message: "Error: ErrImagePull" },
      ]),
    );
    expect(events.all.find((e) => e.reason === "Pulled")?.message).toMatch(
      /^Successfully pulled image "minik8s\/busybox:1" in (\d+ms|[\d.]+s) \(\S+ including waiting\)$/,
    );
    await h.sync(pod);
    expect(events.all).toContainEqual({
      type: "Normal",
      reason: "BackOff",
      message: 'Back-off pulling image "missing:1"',
    });
    expect(h.status(pod).containerStatuses?.[1]?.state?.waiting?.reason).toBe("ImagePullBackOff");

    // A present image with IfNotPresent is not pulled again.
    const again = makePod("ev2", { containers: [app("a")] });
    await h.sync(again);
    expect(events.all).toContainEqual({
      type: "Normal",
      reason: "Pulled",
      message: 'Container image "minik8s/busybox:1" already present on machine',
    });
  });

  it("BackOff event while a crashed container waits", async () => {
    const { h, events } = harness();
    const pod = makePod("crash", { containers: [app("c")] });
    await h.sync(pod);
    h.sim.exitContainer(pod.metadata.uid!, "c", 1);
    await h.sync(pod);
    expect(events.all).toContainEqual({
      type: "Warning",
      reason: "BackOff",
      message: `Back-off restarting failed container c in pod crash_default(${pod.metadata.uid})`,
    });
  });

  it("volumes become mounts; a failed mount is FailedMount and waits in ContainerCreating", async () => {
    const { h, config, events } = harness();
    const pod = makePod("vol", {
      volumes: [
        { name: "scratch", emptyDir: {} },
        { name: "cfg", configMap: { name: "settings" } },
      ],
      containers: [
        app("a", {
          volumeMounts: [
            { name: "scratch", mountPath: "/scratch" },
            { name: "cfg", mountPath: "/etc/app", readOnly: false },
          ],
        }),
      ],
    });
    expect(await h.sync(pod)).toEqual({ requeueAfterMs: 2_000 });
    expect(h.containers(pod)).toEqual([]); // not even a sandbox before the volumes are there
    expect(h.status(pod).containerStatuses?.[0]?.state?.waiting).toEqual({ reason: "ContainerCreating" });
    expect(events.all).toContainEqual({
      type: "Warning",
      reason: "FailedMount",
      message: 'MountVolume.SetUp failed for volume "cfg" : configmap "settings" not found',
    });

    config.addConfigMap("default", "settings", { "app.conf": "debug=true" });
    await h.sync(pod);
    const a = h.sim.running(pod.metadata.uid!, "a")!;
    const mounts = h.sim.configOf(a.id)?.mounts ?? [];
    expect(mounts.map((m) => [m.containerPath, m.readOnly])).toEqual([
      ["/scratch", false],
      ["/etc/app", true], // configMap volumes are always read-only
    ]);
    expect(await readFile(join(mounts[1]!.hostPath, "app.conf"), "utf8")).toBe("debug=true");
  });

  it("securityContext (container over pod) and cpu shares reach the runtime", async () => {
    const { h } = harness();
    const pod = makePod("sec", {
      securityContext: { runAsUser: 1000, runAsGroup: 3000 },
      containers: [
        app("a", {
          securityContext: {
            runAsUser: 2000,
            privileged: true,
            readOnlyRootFilesystem: true,
            capabilities: { add: ["NET_ADMIN"], drop: ["ALL"] },
            allowPrivilegeEscalation: false,
          },
          resources: { requests: { cpu: "250m" }, limits: { cpu: "1", memory: "32Mi" } },
        }),
        app("b"),
        app("c", { resources: { limits: { cpu: "1m" } } }),
      ],
    });
    await h.sync(pod);
    const cfg = (n: string) => h.sim.configOf(h.sim.running(pod.metadata.uid!, n)!.id)!;
    expect(cfg("a")).toMatchObject({
      user: "2000:3000",
      privileged: true,
      readOnlyRootfs: true,
      capAdd: ["NET_ADMIN"],
      capDrop: ["ALL"],
      noNewPrivileges: true,
      cpuShares: 256,
      cpuMillis: 1000,
      memoryBytes: 32 * 1024 * 1024,
    });
    expect(cfg("b")).toMatchObject({ user: "1000:3000", cpuShares: 2 });
    expect(cfg("b").privileged).toBeUndefined();
    expect(cfg("c").cpuShares).toBe(2); // request defaults to the 1m limit: 1 share, raised to 2
  });

  it("runAsNonRoot with runAsUser 0 is CreateContainerConfigError", async () => {
    const { h } = harness();
    const pod = makePod("root", {
      securityContext: { runAsNonRoot: true },
      containers: [app("a", { securityContext: { runAsUser: 0 } })],
    });
    await h.sync(pod);
    expect(h.status(pod).containerStatuses?.[0]?.state?.waiting).toEqual({
      reason: "CreateContainerConfigError",
      message: `container's runAsUser breaks non-root policy (pod: "root_default(${pod.metadata.uid})", container: a)`,
    });
  });
});

import { lstat, mkdtemp, readFile, readlink, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "@minik8s/api";
import { FakeClock, silentLogger } from "@minik8s/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StaticConfigSource } from "../../src/env/config-source.js";
import { mountsUnder } from "../../src/volumes/tmpfs.js";
import { VolumeManager } from "../../src/volumes/volume-manager.js";

let dir: string;
let source: StaticConfigSource;
let clock: FakeClock;
let vm: VolumeManager;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kubelet-vol-"));
  source = new StaticConfigSource();
  clock = new FakeClock();
  vm = new VolumeManager({ rootDir: join(dir, "root"), source, logger: silentLogger, clock });
});

afterAll(async () => {
  for (const m of await mountsUnder(dir))
    await import("../../src/volumes/tmpfs.js").then((t) => t.unmount(m));
  await rm(dir, { recursive: true, force: true });
});

function pod(uid: string, volumes: Pod["spec"]["volumes"], containers: Pod["spec"]["containers"] = []): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: uid, namespace: "ns1", uid },
    spec: { volumes, containers },
  };
}

describe("VolumeManager", () => {
  it("configMap: files through ..data, items with modes, read-only; updates swap atomically", async () => {
    source.addConfigMap("ns1", "cfg", { "app.conf": "a=1", other: "o" });
    const p = pod("u-cm", [
      { name: "all", configMap: { name: "cfg", defaultMode: 0o600 } },
      { name: "some", configMap: { name: "cfg", items: [{ key: "other", path: "sub/o.txt", mode: 0o444 }] } },
    ]);
    const res = await vm.setUp(p);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const all = res.volumes.get("all")!;
    expect(all.readOnly).toBe(true);
    expect(all.path).toBe(join(dir, "root/pods/u-cm/volumes/kubernetes.io~configmap/all"));
    expect(await readFile(join(all.path, "app.conf"), "utf8")).toBe("a=1");
    expect(await readlink(join(all.path, "app.conf"))).toBe("..data/app.conf");
    expect((await stat(join(all.path, "app.conf"))).mode & 0o777).toBe(0o600);
    const some = res.volumes.get("some")!.path;
    expect(await readFile(join(some, "sub/o.txt"), "utf8")).toBe("o");
    expect((await stat(join(some, "sub/o.txt"))).mode & 0o777).toBe(0o444);
    await expect(lstat(join(some, "app.conf"))).rejects.toThrow();

    // Within the refresh period nothing is re-read; after it, the new content is swapped in.
    source.addConfigMap("ns1", "cfg", { "app.conf": "a=2" });
    await vm.setUp(p);
    expect(await readFile(join(all.path, "app.conf"), "utf8")).toBe("a=1");
    clock.advance(61_000);
    const again = await vm.setUp(p);
    expect(again.ok).toBe(false); // "some" names the key that is gone now
    expect(await readFile(join(all.path, "app.conf"), "utf8")).toBe("a=2");
    await expect(lstat(join(all.path, "other"))).rejects.toThrow();
  });

  it("a missing configMap or secret fails in Kubernetes' words unless optional", async () => {
    expect(await vm.setUp(pod("u-miss", [{ name: "c", configMap: { name: "nope" } }]))).toEqual({
      ok: false,
      volume: "c",
      message: 'configmap "nope" not found',
    });
    expect(await vm.setUp(pod("u-miss", [{ name: "s", secret: { secretName: "nope" } }]))).toEqual({
      ok: false,
      volume: "s",
      message: 'secret "nope" not found',
    });
    const opt = await vm.setUp(pod("u-miss", [{ name: "c", configMap: { name: "nope", optional: true } }]));
    expect(opt.ok).toBe(true);
    await vm.tearDown("u-miss");
  });

  it("secret: decoded files in a directory only root can enter; removed with the pod", async () => {
    source.addSecret("ns1", "creds", { password: "s3cret" });
    const res = await vm.setUp(pod("u-sec", [{ name: "s", secret: { secretName: "creds" } }]));
    if (!res.ok) throw new Error(res.message);
    const path = res.volumes.get("s")!.path;
    expect(await readFile(join(path, "password"), "utf8")).toBe("s3cret");
    expect((await stat(join(path, ".."))).mode & 0o777).toBe(0o700);
    await vm.tearDown("u-sec");
    await expect(lstat(join(dir, "root/pods/u-sec"))).rejects.toThrow();
    expect(await mountsUnder(join(dir, "root/pods/u-sec"))).toEqual([]);
  });

  it("emptyDir is a world-writable directory per pod; hostPath types are checked", async () => {
    const hostDir = join(dir, "host-made");
    const hostFile = join(dir, "host-file");
    await writeFile(hostFile, "f");
    const res = await vm.setUp(
      pod("u-ed", [
        { name: "scratch", emptyDir: {} },
        { name: "made", hostPath: { path: hostDir, type: "DirectoryOrCreate" } },
        { name: "file", hostPath: { path: hostFile, type: "File" } },
      ]),
    );
    if (!res.ok) throw new Error(res.message);
    expect((await stat(res.volumes.get("scratch")!.path)).mode & 0o777).toBe(0o777);
    expect((await stat(hostDir)).isDirectory()).toBe(true);
    expect(res.volumes.get("file")).toEqual({ path: hostFile, readOnly: false });

    expect(
      await vm.setUp(pod("u-hp", [{ name: "d", hostPath: { path: hostFile, type: "Directory" } }])),
    ).toEqual({
      ok: false,
      volume: "d",
      message: `hostPath type check failed: ${hostFile} is not a directory`,
    });
    expect(
      await vm.setUp(pod("u-hp", [{ name: "f", hostPath: { path: join(dir, "absent"), type: "File" } }])),
    ).toMatchObject({
      ok: false,
      message: `hostPath type check failed: ${join(dir, "absent")} is not a file`,
    });
    await vm.tearDown("u-ed");
    expect((await stat(hostDir)).isDirectory()).toBe(true); // a hostPath outlives the pod
  });

  it("mounts: subPath made inside the volume, readOnly, unknown volumes and escapes refused", async () => {
    const res = await vm.setUp(pod("u-m", [{ name: "scratch", emptyDir: {} }]));
    if (!res.ok) throw new Error(res.message);
    const base = res.volumes.get("scratch")!.path;
    const mounts = await vm.mountsFor(
      {
        name: "c",
        volumeMounts: [
          { name: "scratch", mountPath: "/data" },
          { name: "scratch", mountPath: "/logs", subPath: "logs/app", readOnly: true },
          { name: "scratch", mountPath: "/pod", subPathExpr: "by-pod/$(POD)" },
        ],
      },
      res.volumes,
      { POD: "web-1" },
    );
    expect(mounts).toEqual({
      ok: true,
      value: [
        { hostPath: base, containerPath: "/data", readOnly: false },
        { hostPath: join(base, "logs/app"), containerPath: "/logs", readOnly: true },
        { hostPath: join(base, "by-pod/web-1"), containerPath: "/pod", readOnly: false },
      ],
    });
    expect((await stat(join(base, "logs/app"))).isDirectory()).toBe(true);

    expect(
      await vm.mountsFor({ name: "c", volumeMounts: [{ name: "nope", mountPath: "/x" }] }, res.volumes, {}),
    ).toEqual({
      ok: false,
      error: {
        reason: "CreateContainerConfigError",
        message: 'cannot find volume "nope" to mount into container "c"',
      },
    });
    const { symlink } = await import("node:fs/promises");
    await symlink("/etc", join(base, "escape"));
    const escaped = await vm.mountsFor(
      { name: "c", volumeMounts: [{ name: "scratch", mountPath: "/x", subPath: "escape" }] },
      res.volumes,
      {},
    );
    expect(escaped.ok ? undefined : escaped.error.message).toBe(
      'subpath "escape" resolves outside volume "scratch"',
    );
    await vm.tearDown("u-m");
  });

  it("unsupported volume types fail clearly", async () => {
    expect(
      await vm.setUp(pod("u-pvc", [{ name: "claim", persistentVolumeClaim: { claimName: "c" } }])),
    ).toEqual({
      ok: false,
      volume: "claim",
      message: "volume type persistentVolumeClaim is not supported by this kubelet",
    });
  });
});

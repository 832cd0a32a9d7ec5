import { chmod, lstat, mkdir, realpath, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type Container, type Pod, Quantity, type Volume } from "@minik8s/api";
import { type Clock, type Logger, realClock } from "@minik8s/client";
import { type ConfigSource, configMapBytes, secretBytes } from "../env/config-source.js";
import { expand } from "../env/expand.js";
import { fail, type Mount, ok, type RuntimeResult } from "../runtime/container-runtime.js";
import { keyOf } from "../status/status-writer.js";
import { writePayload } from "./atomic-writer.js";
import { mountsUnder, mountTmpfs, unmount } from "./tmpfs.js";
import { isWithin, pluginDir, podDir, projectKeys, subPathError, volumeDir } from "./volume-paths.js";

export interface VolumeManagerOptions {
  rootDir: string;
  source: ConfigSource;
  logger: Logger;
  clock?: Clock;
  /** How often a configMap/secret volume is re-read while its pod syncs (Kubernetes: ~1 min). */
  refreshMs?: number;
}

/** The host path of each of a pod's volumes, by volume name, and whether the kubelet wrote it. */
export type PodVolumes = Map<string, { path: string; readOnly: boolean }>;

export type SetUpResult = { ok: true; volumes: PodVolumes } | { ok: false; volume: string; message: string };

/** Kubernetes' default file mode of configMap and secret volumes (0644). */
const DEFAULT_MODE = 0o644;

/**
 * The kubelet's volume manager, small and synchronous with the pod sync: before a pod's sandbox
 * starts, each volume is made ready on the node (emptyDir: a directory, on tmpfs for medium
 * Memory; hostPath: checked or created by its type; configMap and secret: their keys written as
 * files, atomically, secrets on tmpfs), and each container's volumeMounts become bind mounts.
 * When the pod is gone its directory goes, tmpfs mounts first.
 *
 * Where it differs: no attach/detach, no fsGroup ownership, no projected, downwardAPI, PVC, NFS
 * or CSI volumes (a pod using one gets FailedMount).
 */
export class VolumeManager {
  private readonly clock: Clock;
  private readonly refreshMs: number;
  private readonly refreshed = new Map<string, number>();
  private tmpfsUnavailable: string | undefined;

  constructor(private readonly o: VolumeManagerOptions) {
    this.clock = o.clock ?? realClock;
    this.refreshMs = o.refreshMs ?? 60_000;
  }

  /** Makes every volume of `pod` ready; the first that cannot be is the failure. */
  async setUp(pod: Pod): Promise<SetUpResult> {
    const volumes: PodVolumes = new Map();
    for (const v of pod.spec.volumes ?? []) {
      try {
        const result = await this.setUpOne(pod, v);
        if (!result.ok) return { ok: false, volume: v.name, message: result.message };
        volumes.set(v.name, result.value);
      } catch (err) {
        return { ok: false, volume: v.name, message: (err as Error).message };
      }
    }
    return { ok: true, volumes };
  }

  /**
   * The bind mounts of `container`: each volumeMount's volume path (plus subPath, created when
   * missing, and never leaving the volume through a symlink). `env` expands subPathExpr.
   */
  async mountsFor(
    container: Container,
    volumes: PodVolumes,
    env: Record<string, string>,
  ): Promise<RuntimeResult<Mount[]>> {
    const mounts: Mount[] = [];
    for (const m of container.volumeMounts ?? []) {
      const vol = volumes.get(m.name);
      if (!vol) {
        return fail(
          "CreateContainerConfigError",
          `cannot find volume "${m.name}" to mount into container "${container.name}"`,
        );
      }
      let hostPath = vol.path;
      const sub = m.subPathExpr !== undefined ? expand(m.subPathExpr, env) : m.subPath;
      if (sub) {
        const bad = subPathError(sub);
        if (bad) return fail("CreateContainerConfigError", bad);
        hostPath = join(vol.path, sub);
        try {
          if (!(await exists(hostPath))) await mkdir(hostPath, { recursive: true, mode: 0o750 });
          if (!isWithin(await realpath(vol.path), await realpath(hostPath))) {
            return fail("CreateContainerConfigError", `subpath "${sub}" resolves outside volume "${m.name}"`);
          }
        } catch (err) {
          return fail("CreateContainerConfigError", `subPath "${sub}": ${(err as Error).message}`);
        }
      }
      mounts.push({ hostPath, containerPath: m.mountPath, readOnly: vol.readOnly || m.readOnly === true });
    }
    return ok(mounts);
  }

  /** Removes everything the pod had on this node (its tmpfs mounts unmounted first). */
  async tearDown(uid: string): Promise<void> {
    const dir = podDir(this.o.rootDir, uid);
    for (const mnt of await mountsUnder(dir)) {
      await unmount(mnt).catch((err: Error) =>
        this.o.logger.warn({ uid, mount: mnt, err: err.message }, "cannot unmount a pod volume"),
      );
    }
    await rm(dir, { recursive: true, force: true });
    for (const k of this.refreshed.keys()) if (k.startsWith(`${uid}/`)) this.refreshed.delete(k);
  }

  private async setUpOne(
    pod: Pod,
    v: Volume,
  ): Promise<{ ok: true; value: { path: string; readOnly: boolean } } | { ok: false; message: string }> {
    const uid = pod.metadata.uid ?? "";
    if (v.emptyDir) {
      const dir = volumeDir(this.o.rootDir, uid, "empty-dir", v.name);
      await mkdir(dir, { recursive: true });
      if (v.emptyDir.medium === "Memory") {
        const size = v.emptyDir.sizeLimit ? Number(Quantity.parse(v.emptyDir.sizeLimit).value()) : undefined;
        await this.tmpfs(pod, dir, size);
      }
      await chmod(dir, 0o777);
      return { ok: true, value: { path: dir, readOnly: false } };
    }
    if (v.hostPath) {
      const checked = await checkHostPath(v.hostPath.path, v.hostPath.type ?? "");
      return checked
        ? { ok: false, message: checked }
        : { ok: true, value: { path: v.hostPath.path, readOnly: false } };
    }
    if (v.configMap || v.secret) {
      const isSecret = v.secret !== undefined;
      const name = (isSecret ? v.secret?.secretName : v.configMap?.name) ?? "";
      const src = (v.secret ?? v.configMap)!;
      const dir = volumeDir(this.o.rootDir, uid, isSecret ? "secret" : "configmap", v.name);
      const key = `${uid}/${v.name}`;
      const last = this.refreshed.get(key);
      if (last !== undefined && this.clock.now() - last < this.refreshMs && (await exists(dir))) {
        return { ok: true, value: { path: dir, readOnly: true } };
      }
      if (isSecret) {
        // Secrets stay off the node's disk where possible, and out of other users' reach.
        const parent = pluginDir(this.o.rootDir, uid, "secret");
        await mkdir(parent, { recursive: true, mode: 0o700 });
        await chmod(parent, 0o700);
        await mkdir(dir, { recursive: true });
        await this.tmpfs(pod, dir);
      }
      const ns = pod.metadata.namespace ?? "default";
      const obj = isSecret ? await this.o.source.secret(ns, name) : await this.o.source.configMap(ns, name);
      let data: Map<string, Buffer>;
      if (!obj) {
        if (!src.optional)
          return { ok: false, message: `${isSecret ? "secret" : "configmap"} "${name}" not found` };
        data = new Map();
      } else {
        data = obj.kind === "Secret" ? secretBytes(obj) : configMapBytes(obj);
      }
      const files = projectKeys(
        data,
        src.items,
        src.defaultMode ?? DEFAULT_MODE,
        src.optional === true,
        isSecret ? "secret" : "config",
      );
      if (!files.ok) return files;
      if (await writePayload(dir, files.files)) {
        this.o.logger.info(
          { pod: keyOf(pod), volume: v.name, files: files.files.size },
          "wrote volume files",
        );
      }
      this.refreshed.set(key, this.clock.now());
      // Kubernetes mounts configMap and secret volumes read-only, whatever the volumeMount says.
      return { ok: true, value: { path: dir, readOnly: true } };
    }
    const kind = Object.keys(v).find((k) => k !== "name") ?? "unknown";
    return { ok: false, message: `volume type ${kind} is not supported by this kubelet` };
  }

  /** A tmpfs on `dir` when the kubelet may mount; otherwise a plain directory, said once. */
  private async tmpfs(pod: Pod, dir: string, sizeBytes?: number): Promise<void> {
    if (this.tmpfsUnavailable !== undefined) return;
    try {
      await mountTmpfs(dir, sizeBytes);
    } catch (err) {
      this.tmpfsUnavailable = (err as Error).message.split("\n")[0] ?? "mount failed";
      this.o.logger.warn(
        { pod: keyOf(pod), err: this.tmpfsUnavailable },
        "cannot mount tmpfs (not root?); memory-backed volumes use plain directories",
      );
    }
  }
}

/**
 * Kubernetes' hostPath type checks: DirectoryOrCreate/FileOrCreate make what is missing, the
 * others require that kind of thing to be there; an empty type checks nothing.
 */
async function checkHostPath(path: string, type: string): Promise<string | undefined> {
  const st = await stat(path).catch(() => undefined);
  switch (type) {
    case "":
      return undefined;
    case "DirectoryOrCreate":
      if (!st) await mkdir(path, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) return `hostPath type check failed: ${path} is not a directory`;
      return undefined;
    case "FileOrCreate":
      if (!st) {
        await mkdir(dirname(path), { recursive: true, mode: 0o755 });
        await writeFile(path, "", { mode: 0o644 });
      } else if (!st.isFile()) return `hostPath type check failed: ${path} is not a file`;
      return undefined;
    case "Directory":
      return st?.isDirectory() ? undefined : `hostPath type check failed: ${path} is not a directory`;
    case "File":
      return st?.isFile() ? undefined : `hostPath type check failed: ${path} is not a file`;
    case "Socket":
      return st?.isSocket() ? undefined : `hostPath type check failed: ${path} is not a socket file`;
    case "CharDevice":
      return st?.isCharacterDevice()
        ? undefined
        : `hostPath type check failed: ${path} is not a character device`;
    case "BlockDevice":
      return st?.isBlockDevice() ? undefined : `hostPath type check failed: ${path} is not a block device`;
    default:
      return `hostPath type ${type} is not valid`;
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

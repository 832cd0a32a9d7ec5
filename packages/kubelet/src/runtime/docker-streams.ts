import { PassThrough, Readable } from "node:stream";
import type Docker from "dockerode";
import type { ContainerUsage, ExecSession, ExecStreamOptions, LogOptions } from "./container-runtime.js";

/**
 * A container's logs from Docker's json-file log, what the kubelet reads from CRI's log files.
 * Containers run without a TTY, so Docker multiplexes stdout and stderr into 8-byte-header frames;
 * docker-modem's demuxStream takes them apart, and both land in one stream, as the kubelet
 * interleaves them.
 */
export async function dockerLogs(docker: Docker, id: string, opts: LogOptions): Promise<Readable> {
  const container = docker.getContainer(id);
  const common = {
    stdout: true,
    stderr: true,
    timestamps: opts.timestamps ?? false,
    ...(opts.tailLines !== undefined ? { tail: opts.tailLines } : {}),
    ...(opts.sinceSeconds !== undefined ? { since: Math.floor(Date.now() / 1000) - opts.sinceSeconds } : {}),
  };
  const source: NodeJS.ReadableStream = opts.follow
    ? await container.logs({ ...common, follow: true })
    : Readable.from([await container.logs({ ...common, follow: false })]);
  const out = new PassThrough();
  docker.modem.demuxStream(source, out, out);
  source.on("end", () => out.end());
  source.on("error", (err) => out.destroy(err));
  // The reader went away (a followed log closed): stop Docker's stream too.
  out.on("close", () => (source as Readable).destroy?.());
  return out;
}

/** `docker exec` with its streams hijacked: the connection carries stdin up and output down. */
export async function dockerExec(docker: Docker, id: string, opts: ExecStreamOptions): Promise<ExecSession> {
  const exec = await docker.getContainer(id).exec({
    Cmd: opts.command,
    AttachStdin: opts.stdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: opts.tty,
  });
  const stream = await exec.start({ hijack: true, stdin: opts.stdin, Tty: opts.tty });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (opts.tty) {
    stream.pipe(stdout);
    stderr.end();
  } else {
    docker.modem.demuxStream(stream, stdout, stderr);
  }
  const ended = new Promise<void>((resolve) => {
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", () => resolve());
  });
  const exitCode = ended.then(async () => {
    stdout.end();
    stderr.end();
    return exitCodeOf(exec);
  });
  let stdin: PassThrough | undefined;
  if (opts.stdin) {
    stdin = new PassThrough();
    // Ending stdin half-closes the hijacked connection: the command reads EOF, output still flows.
    stdin.pipe(stream);
  }
  return {
    stdin,
    stdout,
    stderr,
    async resize(width, height) {
      if (opts.tty) await exec.resize({ h: height, w: width }).catch(() => undefined);
    },
    exitCode,
    abort: () => stream.destroy(),
  };
}

/** The exit code once Docker has recorded it: the stream can end a moment before the process. */
async function exitCodeOf(exec: Docker.Exec): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return info.ExitCode;
    await new Promise((resolve) => setTimeout(resolve, 20 * Math.min(attempt + 1, 10)));
  }
  // Still running after its streams closed (detached children): Kubernetes reports 0 here too.
  return 0;
}

/** One sample of `docker stats` (one-shot: no second sample to wait for, so no rate). */
export async function dockerStats(docker: Docker, id: string): Promise<ContainerUsage | undefined> {
  try {
    const s = await docker.getContainer(id).stats({ stream: false, "one-shot": true });
    const usage = s.memory_stats?.usage;
    // cgroup v2 reports inactive_file, v1 total_inactive_file: the working set leaves it out.
    const stats = (s.memory_stats?.stats ?? {}) as Record<string, number | undefined>;
    const inactive = stats.inactive_file ?? stats.total_inactive_file ?? 0;
    return {
      usageCoreNanoSeconds: s.cpu_stats?.cpu_usage?.total_usage,
      memoryUsageBytes: usage,
      memoryWorkingSetBytes: usage !== undefined ? Math.max(0, usage - inactive) : undefined,
    };
  } catch {
    return undefined;
  }
}

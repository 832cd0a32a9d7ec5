import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, it } from "vitest";

const run = promisify(execFile);

export interface DockerProbe {
  available: boolean;
  reason: string;
}

/** Ask the Docker engine whether it answers, the way `docker info` does. */
export async function probeDocker(): Promise<DockerProbe> {
  try {
    const { stdout } = await run("docker", ["version", "--format", "{{.Server.Version}}"], {
      timeout: 10_000,
    });
    return { available: true, reason: `Docker ${stdout.trim()}` };
  } catch (err) {
    const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { available: false, reason: message ?? "docker did not answer" };
  }
}

const docker = await probeDocker();

/**
 * A suite that needs a real Docker engine. In CI (CI=true) a missing engine fails the run; on a
 * user's machine the suite is skipped with a loud message saying how to get one.
 */
export function describeWithDocker(name: string, body: () => void): void {
  if (docker.available) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it("needs a Docker engine", () => {
        throw new Error(`no Docker engine answers (${docker.reason}); CI must run scripts/ensure-docker.sh`);
      });
    });
    return;
  }
  console.warn(
    `\n!!! SKIPPING "${name}": no Docker engine answers (${docker.reason}).\n` +
      "!!! Run scripts/ensure-docker.sh and scripts/build-images.sh to run these tests.\n",
  );
  describe.skip(name, body);
}

/** Run a docker CLI command and return its output; failures throw with docker's stderr. */
export async function dockerCli(args: string[], timeoutMs = 60_000): Promise<string> {
  const { stdout } = await run("docker", args, { timeout: timeoutMs });
  return stdout;
}

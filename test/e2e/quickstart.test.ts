import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDocker, dockerCli } from "../support/docker.js";
import { acquireHostLock } from "../support/host-lock.js";
import { freePort } from "../support/minik8s-process.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MINIK8S = join(ROOT, "packages/minik8s/bin/minik8s.js");
const MKCTL = join(ROOT, "packages/ctl/bin/mkctl.js");
const APP = "http://127.0.0.1:30080/";

/**
 * One `npm start` / `minik8s up` process. Its output is kept so that a failure shows what it
 * printed; `until` waits for a line, bounded in time.
 */
class Up {
  private output = "";
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(command: string, args: string[]) {
    this.child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout?.on("data", (b: Buffer) => {
      this.output += b.toString();
    });
    this.child.stderr?.on("data", (b: Buffer) => {
      this.output += b.toString();
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  async until(text: string, ms: number): Promise<string> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (this.output.includes(text)) return this.output;
      if (this.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`waiting for ${JSON.stringify(text)}; it printed:\n${this.output.slice(-4000)}`);
  }

  /** Ctrl-C, as a user stops it. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGINT");
    await this.exited;
  }
}

async function containersOf(node: string): Promise<string[]> {
  const out = await dockerCli(["ps", "-q", "--no-trunc", "--filter", `label=minik8s.io/node=${node}`]);
  return out.split("\n").filter(Boolean).sort();
}

// The README's first command, as a new user runs it (after `npm install`): `npm start`, which is
// scripts/start.sh — Docker, images, build, `minik8s up --apply examples/quickstart`. Then the
// promise it makes: the app answers, three pods run, a restart loses and duplicates nothing, and
// every example under examples/ comes up.
describeWithDocker("npm start: the quickstart", () => {
  const node = `quickstart-${process.pid}`;
  let dataDir: string;
  let port: number;
  let up: Up | undefined;
  let release: (() => Promise<void>) | undefined;
  const env = () => ({ ...process.env, KUBECONFIG: join(dataDir, "kubeconfig") });
  const mkctl = async (...args: string[]) =>
    (await run(process.execPath, [MKCTL, ...args], { env: env(), timeout: 300_000 })).stdout;
  const upArgs = () => ["--data-dir", dataDir, "--port", String(port), "--node-name", node, "--gpus", "4"];

  beforeAll(async () => {
    // `up` programs the host's KUBE-* chains and NodePort 30080: one such test at a time.
    release = await acquireHostLock();
    dataDir = await mkdtemp(join(tmpdir(), "minik8s-quickstart-"));
    port = await freePort();
  });

  afterAll(async () => {
    await up?.stop();
    // What a user does to remove a node: its containers and pod network, then the proxy's rules.
    await run(process.execPath, [MINIK8S, "kubelet", "--cleanup", "--node-name", node], {
      timeout: 120_000,
    }).catch((err) => console.error(`cleanup of node ${node} failed: ${err}`));
    await run(process.execPath, [MINIK8S, "proxy", "--cleanup"], { timeout: 60_000 }).catch((err) =>
      console.error(`proxy cleanup failed: ${err}`),
    );
    await rm(dataDir, { recursive: true, force: true });
    await release?.();
  }, 240_000);

  it("answers on the NodePort a few moments after npm start, with 3 pods Running", async () => {
    up = new Up("bash", [join(ROOT, "scripts/start.sh"), ...upArgs()]);
    const printed = await up.until(`The cluster is up, and the app answers at ${APP}`, 300_000);
    expect(printed).toContain(`export KUBECONFIG=${join(dataDir, "kubeconfig")}`);
    const page = await (await fetch(APP)).text();
    expect(page).toMatch(/^Hello from web-[a-z0-9]+-[a-z0-9]+ in namespace default/);
    const pods = (await mkctl("get", "pods", "--no-headers")).trim().split("\n");
    expect(pods).toHaveLength(3);
    for (const line of pods) expect(line).toMatch(/^web-\S+\s+1\/1\s+Running\s+0\s/);
  }, 330_000);

  it("restarted on the same data dir, adopts what runs: nothing lost, nothing duplicated", async () => {
    const podsBefore = await mkctl("get", "pods", "-o", "jsonpath={.items[*].metadata.uid}");
    const containersBefore = await containersOf(node);
    expect(containersBefore).toHaveLength(6); // three sandboxes, three web servers
    await up?.stop();
    up = new Up(process.execPath, [MINIK8S, "up", "--apply", "examples/quickstart", ...upArgs()]);
    await up.until(`The cluster is up, and the app answers at ${APP}`, 120_000);
    expect(await mkctl("get", "pods", "-o", "jsonpath={.items[*].metadata.uid}")).toBe(podsBefore);
    expect(await containersOf(node)).toEqual(containersBefore);
    const restarts = await mkctl(
      "get",
      "pods",
      "-o",
      "jsonpath={.items[*].status.containerStatuses[0].restartCount}",
    );
    expect(restarts.split(" ")).toEqual(["0", "0", "0"]);
  }, 180_000);

  it("runs every example under examples/", async () => {
    await mkctl("apply", "-R", "-f", join(ROOT, "examples"));
    // Bounded: every Deployment rolled out, and the GPU training pod has run on its two GPUs.
    for (const deployment of (await mkctl("get", "deployments", "-o", "name")).trim().split("\n")) {
      await mkctl("rollout", "status", deployment, "--timeout=240s");
    }
    const deadline = Date.now() + 120_000;
    let phase = "";
    while (Date.now() < deadline) {
      phase = await mkctl("get", "pod", "gpu-training", "-o", "jsonpath={.status.phase}");
      if (phase === "Running" || phase === "Succeeded") break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(phase).toMatch(/Running|Succeeded/);
    expect(await mkctl("logs", "gpu-training")).toMatch(/training on GPUs sim-gpu-\d+,sim-gpu-\d+/);
    expect(await mkctl("logs", "hello")).toMatch(/^Hello from hello/);
    // The three-tier app: web -> api -> crawler, by Service names, through its NodePort.
    const threeTier = await fetch("http://127.0.0.1:30090/cgi-bin/api").then((r) => r.text());
    expect(threeTier).toContain('"crawler"');
  }, 420_000);
});

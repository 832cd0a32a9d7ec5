import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { Pod } from "@minik8s/api";
import { Client } from "@minik8s/client";
import { runMkctl } from "@minik8s/ctl";
import { DockerRuntime, Kubelet, LABELS, localMachineInfo, PODS } from "@minik8s/kubelet";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TestApiServer, writeKubeconfig } from "../support/apiserver.js";
import { describeWithDocker, dockerCli } from "../support/docker.js";

const KUBECTL = "/usr/bin/kubectl";
const haveKubectl = existsSync(KUBECTL);
const IMAGE = "minik8s/busybox:1";

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

/** Polls until `cond` holds; bounded in time. */
async function until(what: string, cond: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// kubectl logs / exec on real Docker: the apiserver proxies pods/log and pods/exec to the
// kubelet server of the pod's node, which reads Docker's logs and runs Docker execs.
describeWithDocker("logs and exec on real Docker", () => {
  const node = `logs-e2e-${process.pid}`;
  let api: TestApiServer;
  let client: Client;
  let kubelet: Kubelet;
  let rootDir: string;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];

  const kubectl = (args: string[], stdin?: string): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(KUBECTL, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ stdout, stderr, code });
      });
      if (stdin !== undefined) child.stdin?.end(stdin);
    });

  const mkctl = async (args: string[], stdinText?: string, terminal = false): Promise<Run> => {
    const out: Buffer[] = [];
    const err: string[] = [];
    const stdout = new PassThrough();
    stdout.on("data", (c: Buffer) => out.push(c));
    let stdin: PassThrough | undefined;
    if (stdinText !== undefined) {
      stdin = new PassThrough();
      // A stand-in terminal, open as a person's would stay: what mkctl checks before it asks for a TTY.
      if (terminal) Object.assign(stdin, { isTTY: true, setRawMode: () => stdin });
      else stdin.end(stdinText);
    }
    const code = await runMkctl(["--server", api.url, ...args], {
      io: {
        out: (t) => out.push(Buffer.from(t)),
        err: (t) => err.push(t),
        readStdin: async () => stdinText ?? "",
        isTTY: false,
        env: {},
        now: () => new Date(),
        stdout,
        stdin,
      },
    });
    return { stdout: Buffer.concat(out).toString(), stderr: err.join(""), code };
  };

  const pod = (name: string, script: string): Pod => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: "main", image: IMAGE, imagePullPolicy: "Never", command: ["sh", "-c", script] }],
    },
  });
  const getPod = (name: string) => client.get<Pod>(PODS, "default", name);

  beforeAll(async () => {
    api = await TestApiServer.start();
    client = new Client({ server: api.url });
    rootDir = await mkdtemp(join(tmpdir(), "minik8s-logs-e2e-"));
    home = await mkdtemp(join(tmpdir(), "kubectl-logs-e2e-"));
    env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      KUBECONFIG: await writeKubeconfig(home, api.url),
    };
    kubelet = new Kubelet({
      client,
      nodeName: node,
      runtime: new DockerRuntime(),
      rootDir,
      machine: localMachineInfo("127.0.0.1"),
      server: { port: 0, address: "127.0.0.1" },
    });
    await kubelet.start();
    await client.create(pod("talker", "i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.2; done"));
    await client.create(pod("crasher", "echo run-at-$(date +%s)-$RANDOM; sleep 1; exit 1"));
    await until("talker running", async () => (await getPod("talker")).status?.phase === "Running");
  }, 120_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await kubelet?.stop();
    client?.close();
    await api?.close();
    const left = (await dockerCli(["ps", "-aq", "--filter", `label=${LABELS.node}=${node}`])).trim();
    if (left) await dockerCli(["rm", "-f", ...left.split("\n")]);
    await rm(rootDir, { recursive: true, force: true });
    if (home) await rm(home, { recursive: true, force: true });
  });

  it.skipIf(!haveKubectl)("kubectl logs prints the container's output", async () => {
    await until("some output", async () => (await kubectl(["logs", "talker"])).stdout.includes("line-2"));
    const run = await kubectl(["logs", "talker", "--tail", "1"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^line-\d+\n$/);
  });

  it.skipIf(!haveKubectl)("kubectl logs -f streams new lines as they are written", async () => {
    const child = spawn(KUBECTL, ["logs", "-f", "talker", "--tail", "1"], { env });
    children.push(child);
    let text = "";
    child.stdout.on("data", (c: Buffer) => {
      text += c.toString();
    });
    await until("three streamed lines", async () => text.split("\n").filter(Boolean).length >= 3, 20_000);
    child.kill("SIGTERM");
    const numbers = text
      .split("\n")
      .filter(Boolean)
      .map((l) => Number(l.replace("line-", "")));
    expect(numbers[1]).toBe(numbers[0]! + 1);
    expect(numbers[2]).toBe(numbers[0]! + 2);
  });

  it.skipIf(!haveKubectl)("kubectl exec carries output and the exit code", async () => {
    const run = await kubectl(["exec", "talker", "--", "sh", "-c", "echo hi; exit 3"]);
    expect(run.stdout).toBe("hi\n");
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("command terminated with exit code 3");
  });

  it.skipIf(!haveKubectl)("kubectl exec -i feeds piped stdin to the command", async () => {
    const run = await kubectl(["exec", "-i", "talker", "--", "sh", "-c", "tr a-z A-Z"], "piped words\n");
    expect(run).toMatchObject({ code: 0, stdout: "PIPED WORDS\n" });
  });

  it.skipIf(!haveKubectl)("kubectl gets Kubernetes' errors for a missing pod or container", async () => {
    const exec = await kubectl(["exec", "ghost", "--", "true"]);
    expect(exec.code).toBe(1);
    expect(exec.stderr).toContain('pods "ghost" not found');
    const logs = await kubectl(["logs", "talker", "-c", "nope"]);
    expect(logs.code).toBe(1);
    expect(logs.stderr).toContain("container nope is not valid for pod talker");
  });

  it("mkctl logs and exec do the same", async () => {
    const logs = await mkctl(["logs", "talker", "--tail", "2"]);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/^line-\d+\nline-\d+\n$/);
    const exec = await mkctl(["exec", "talker", "--", "sh", "-c", "echo hi; echo oops >&2; exit 3"]);
    expect(exec).toMatchObject({ code: 3, stdout: "hi\n" });
    expect(exec.stderr).toContain("oops\n");
    expect(exec.stderr).toContain("command terminated with exit code 3");
    const piped = await mkctl(["exec", "-i", "talker", "--", "cat"], "through stdin\n");
    expect(piped).toMatchObject({ code: 0, stdout: "through stdin\n" });
    const tty = await mkctl(["exec", "-it", "talker", "--", "sh", "-c", "test -t 0 && echo tty"], "", true);
    expect(tty).toMatchObject({ code: 0, stdout: "tty\r\n" });
  });

  it("the kubelet's /stats/summary reports the running container's usage", async () => {
    const res = await fetch(`http://127.0.0.1:${kubelet.port}/stats/summary`);
    expect(res.status).toBe(200);
    const summary = (await res.json()) as {
      node: { nodeName: string };
      pods: {
        podRef: { name: string };
        containers: { name: string; memory?: { workingSetBytes?: number } }[];
      }[];
    };
    expect(summary.node.nodeName).toBe(node);
    const talker = summary.pods.find((p) => p.podRef.name === "talker");
    expect(talker?.containers[0]?.name).toBe("main");
    expect(talker?.containers[0]?.memory?.workingSetBytes).toBeGreaterThan(0);
  });

  it("logs --previous shows the instance before the restart", async () => {
    await until(
      "crasher restarted",
      async () => {
        const status = (await getPod("crasher")).status?.containerStatuses?.[0];
        return (status?.restartCount ?? 0) >= 1;
      },
      60_000,
    );
    const previous = haveKubectl
      ? await kubectl(["logs", "crasher", "--previous"])
      : await mkctl(["logs", "crasher", "--previous"]);
    expect(previous.code).toBe(0);
    expect(previous.stdout).toMatch(/^run-at-\d+-\d+\n$/);
    const again = await mkctl(["logs", "crasher", "-p"]);
    expect(again.stdout).toBe(previous.stdout);
    const current = await mkctl(["logs", "crasher"]);
    expect(current.stdout).toMatch(/^run-at-\d+-\d+\n$/);
    expect(current.stdout).not.toBe(previous.stdout);
  }, 90_000);
});

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { kindForApiVersion } from "@minik8s/api/registry";
import type { Deployment } from "@minik8s/api/schemas/apps";
import type { Node, Pod } from "@minik8s/api/schemas/core";
import { type ApiServer, startApiServer } from "@minik8s/apiserver";
import { Client } from "@minik8s/client";
import { ControllerManager } from "@minik8s/controller-manager";
import {
  defaultSchedulerConfig,
  profilesFromConfig,
  type RunningScheduler,
  startScheduler,
} from "@minik8s/scheduler";

/**
 * Two kubelet processes, each in a network namespace of its own joined to the host by a veth
 * pair, and the control plane in this process on an address the harness adds to the host's
 * loopback (each namespace reaches it through its default route). `cut(node)` sets the node's
 * veth down: a network split for that node alone; `heal(node)` sets it up again. The kubelets run
 * the simulated runtime: what is exercised is the control plane's view of a node, not containers.
 * Needs root and iproute2; everything made (namespaces, veths, the address) is removed by stop().
 */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PODS = kindForApiVersion("v1", "Pod")!;
const NODES = kindForApiVersion("v1", "Node")!;
const NS = "default";
const API_IP = "10.251.0.1";

export interface NetnsClusterOptions {
  /** The node lifecycle controller's --node-monitor-grace-period. */
  gracePeriodMs: number;
  /** DefaultTolerationSeconds for not-ready and unreachable. */
  tolerationSeconds: number;
  /** The kubelets' node status update frequency and a quarter of their lease duration. */
  heartbeatMs: number;
  /** Kubelet logs to stderr. */
  verbose?: boolean;
}

export interface RoundTimes {
  /** Link down until the node is Unknown. */
  unknownMs: number;
  /** Link down until every replica runs, ready, on the other node. */
  rescheduledMs: number;
  /** Link up until the node is Ready and untainted. */
  readyMs: number;
  /** Link up until the evicted pods are gone from the API (their kubelet confirmed them stopped). */
  cleanMs: number;
}

interface NodeNet {
  name: string;
  netns: string;
  hostIf: string;
  peerIf: string;
  hostIp: string;
  nodeIp: string;
}

export function canMakeNetns(): boolean {
  try {
    if (process.getuid?.() !== 0) return false;
    execFileSync("ip", ["netns", "list"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: "pipe" });
}

function tryIp(...args: string[]): void {
  try {
    ip(...args);
  } catch {
    // already gone
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

const readyOf = (node: Node) => node.status?.conditions?.find((c) => c.type === "Ready")?.status;
const podReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");

export class NetnsCluster {
  readonly nodes: NodeNet[];
  client: Client | undefined;
  private dir = "";
  private server: ApiServer | undefined;
  private scheduler: RunningScheduler | undefined;
  private manager: ControllerManager | undefined;
  private readonly kubelets: ChildProcess[] = [];

  constructor(private readonly opts: NetnsClusterOptions) {
    const tag = `f1${process.pid % 10000}`;
    this.nodes = [1, 2].map((i) => ({
      name: `${tag}-n${i}`,
      netns: `${tag}-ns${i}`,
      hostIf: `${tag}h${i}`,
      peerIf: `${tag}p${i}`,
      hostIp: `10.251.${i}.1`,
      nodeIp: `10.251.${i}.2`,
    }));
  }

  /** Network, apiserver, two kubelet processes (both Ready), scheduler and controllers. */
  async start(): Promise<Client> {
    this.tearDownNetwork();
    this.dir = await mkdtemp(join(tmpdir(), "minik8s-netns-"));
    this.setUpNetwork();
    this.server = await startApiServer({
      dataDir: join(this.dir, "data"),
      host: API_IP,
      port: 0,
      logger: false,
      defaultTolerations: {
        notReadySeconds: this.opts.tolerationSeconds,
        unreachableSeconds: this.opts.tolerationSeconds,
      },
    });
    const client = new Client({ server: this.server.url });
    this.client = client;
    for (const n of this.nodes) this.kubelets.push(await this.startKubelet(n, this.server.url));
    await waitFor(
      "both nodes Ready",
      async () => {
        const nodes = await Promise.all(this.nodes.map((n) => client.get<Node>(NODES, undefined, n.name)));
        return nodes.every((n) => readyOf(n) === "True");
      },
      120_000,
    );
    this.scheduler = await startScheduler({ client, profiles: profilesFromConfig(defaultSchedulerConfig()) });
    this.manager = new ControllerManager({
      client,
      controllers: ["replicaset", "deployment", "garbagecollector", "nodelifecycle", "tainteviction"],
      nodeLifecycle: { gracePeriodMs: this.opts.gracePeriodMs, monitorPeriodMs: 500 },
    });
    this.manager.start();
    return client;
  }

  async stop(): Promise<void> {
    for (const k of this.kubelets) k.kill("SIGTERM");
    await Promise.all(
      this.kubelets.map((k) => (k.exitCode === null ? new Promise((r) => k.once("exit", r)) : undefined)),
    );
    await this.manager?.stop();
    await this.scheduler?.stop();
    this.client?.close();
    await this.server?.close();
    this.tearDownNetwork();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  cut(node: NodeNet): void {
    ip("link", "set", node.hostIf, "down");
  }

  heal(node: NodeNet): void {
    ip("link", "set", node.hostIf, "up");
  }

  async deploy(replicas: number): Promise<void> {
    const web: Deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: NS },
      spec: {
        replicas,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "app", image: "web:1" }], terminationGracePeriodSeconds: 1 },
        },
      },
    };
    await this.client!.create(web);
  }

  async webPods(): Promise<Pod[]> {
    return (await this.client!.list<Pod>(PODS, { namespace: NS, labelSelector: "app=web" })).items;
  }

  /**
   * One failure and recovery: the node running most `web` replicas is cut off until all of them
   * run on the other node, then brought back until it is Ready and its evicted pods are gone.
   */
  async round(replicas: number): Promise<RoundTimes & { lost: string; kept: string }> {
    const client = this.client!;
    const running = await waitFor(`${replicas} web pods ready`, async () => {
      const pods = (await this.webPods()).filter((p) => !p.metadata.deletionTimestamp);
      return pods.length === replicas && pods.every(podReady) ? pods : undefined;
    });
    const on = (name: string) => running.filter((p) => p.spec.nodeName === name).length;
    const [a, b] = this.nodes as [NodeNet, NodeNet];
    const [lost, kept] = on(a.name) >= on(b.name) ? [a, b] : [b, a];
    const stale = new Set(running.filter((p) => p.spec.nodeName === lost.name).map((p) => p.metadata.uid));

    const cutAt = Date.now();
    this.cut(lost);
    await waitFor(
      "lost node Unknown",
      async () => readyOf(await client.get<Node>(NODES, undefined, lost.name)) === "Unknown",
    );
    const unknownMs = Date.now() - cutAt;
    await waitFor("replicas ready on the other node", async () => {
      const live = (await this.webPods()).filter((p) => !p.metadata.deletionTimestamp);
      return live.length === replicas && live.every((p) => p.spec.nodeName === kept.name && podReady(p));
    });
    const rescheduledMs = Date.now() - cutAt;

    const healAt = Date.now();
    this.heal(lost);
    await waitFor("lost node Ready and untainted", async () => {
      const node = await client.get<Node>(NODES, undefined, lost.name);
      return readyOf(node) === "True" && (node.spec?.taints ?? []).length === 0;
    });
    const readyMs = Date.now() - healAt;
    await waitFor("evicted pods gone", async () =>
      (await this.webPods()).every((p) => !stale.has(p.metadata.uid)),
    );
    const cleanMs = Date.now() - healAt;
    return { lost: lost.name, kept: kept.name, unknownMs, rescheduledMs, readyMs, cleanMs };
  }

  private setUpNetwork(): void {
    ip("addr", "add", `${API_IP}/32`, "dev", "lo");
    for (const n of this.nodes) {
      ip("netns", "add", n.netns);
      ip("link", "add", n.hostIf, "type", "veth", "peer", "name", n.peerIf);
      ip("link", "set", n.peerIf, "netns", n.netns);
      ip("addr", "add", `${n.hostIp}/24`, "dev", n.hostIf);
      ip("link", "set", n.hostIf, "up");
      ip("-n", n.netns, "addr", "add", `${n.nodeIp}/24`, "dev", n.peerIf);
      ip("-n", n.netns, "link", "set", n.peerIf, "up");
      ip("-n", n.netns, "link", "set", "lo", "up");
      ip("-n", n.netns, "route", "add", "default", "via", n.hostIp);
    }
  }

  private tearDownNetwork(): void {
    for (const n of this.nodes) {
      tryIp("link", "del", n.hostIf);
      tryIp("netns", "del", n.netns);
    }
    tryIp("addr", "del", `${API_IP}/32`, "dev", "lo");
  }

  /** A kubelet process inside the node's namespace, run from the TypeScript sources with tsx. */
  private async startKubelet(n: NodeNet, url: string): Promise<ChildProcess> {
    const paths: Record<string, string[]> = {};
    for (const pkg of await readdir(join(ROOT, "packages"))) {
      paths[`@minik8s/${pkg}`] = [`packages/${pkg}/src/index.ts`];
      paths[`@minik8s/${pkg}/*`] = [`packages/${pkg}/src/*.ts`];
    }
    const tsconfig = join(this.dir, "tsconfig.json");
    await writeFile(tsconfig, JSON.stringify({ compilerOptions: { baseUrl: ROOT, paths } }));
    const heartbeat = `${this.opts.heartbeatMs}ms`;
    const leaseSeconds = String((this.opts.heartbeatMs * 4) / 1000);
    const child = spawn(
      "ip",
      [
        ...["netns", "exec", n.netns, process.execPath, "--import", "tsx"],
        join(ROOT, "packages/minik8s/src/main.ts"),
        ...["kubelet", "--runtime", "sim", "--server", url, "--node-name", n.name],
        ...["--root-dir", join(this.dir, n.name), "--port", "0", "--gpus", "none", "--log-level", "warn"],
        ...["--node-status-update-frequency", heartbeat, "--node-lease-duration-seconds", leaseSeconds],
      ],
      {
        cwd: ROOT,
        env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    child.stderr?.on("data", (d: Buffer) => {
      if (this.opts.verbose) process.stderr.write(`[${n.name}] ${d}`);
    });
    return child;
  }
}

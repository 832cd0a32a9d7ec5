import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@minik8s/client";
import { CONTROLLER_NAMES, ControllerManager } from "@minik8s/controller-manager";
import { DockerRuntime, Kubelet, LABELS } from "@minik8s/kubelet";
import { defaultSchedulerConfig, profilesFromConfig, startScheduler } from "@minik8s/scheduler";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TestApiServer, writeKubeconfig } from "../support/apiserver.js";
import { describeWithDocker, dockerCli } from "../support/docker.js";
import { waitFor } from "../support/wait-for.js";

const run = promisify(execFile);
const KUBECTL = "/usr/bin/kubectl";

// biome-ignore lint/suspicious/noExplicitAny: objects read field by field from the API
type Json = any;

// The life of a pod on real Docker: a Deployment applied through the API is split into a
// ReplicaSet and Pods by the controllers, placed by the scheduler, and run by the kubelet, every
// component talking only through the apiserver.
describeWithDocker("a cluster on real Docker", () => {
  const node = `e2e-${process.pid}`;
  let api: TestApiServer;
  let client: Client;
  let scheduler: Awaited<ReturnType<typeof startScheduler>>;
  let manager: ControllerManager;
  let kubelet: Kubelet;
  let rootDir: string;

  beforeAll(async () => {
    api = await TestApiServer.start();
    client = new Client({ server: api.url });
    rootDir = await mkdtemp(join(tmpdir(), "minik8s-e2e-kubelet-"));
    scheduler = await startScheduler({ client, profiles: profilesFromConfig(defaultSchedulerConfig()) });
    manager = new ControllerManager({
      client,
      controllers: [...CONTROLLER_NAMES],
      leaderElect: false,
      identity: "e2e",
      workers: 2,
    });
    manager.start();
    kubelet = new Kubelet({ client, nodeName: node, runtime: new DockerRuntime(), rootDir });
    await kubelet.start();
  });

  afterAll(async () => {
    await kubelet?.stop();
    await manager?.stop();
    await scheduler?.stop();
    client?.close();
    await api?.close();
    // Whatever this node's kubelet left behind goes, even when a test failed halfway.
    const left = (await dockerCli(["ps", "-aq", "--filter", `label=${LABELS.node}=${node}`])).trim();
    if (left) await dockerCli(["rm", "-f", ...left.split("\n")]);
    await rm(rootDir, { recursive: true, force: true });
  });

  const pods = () =>
    api
      .request("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")
      .then((r) => r.body.items as Json[]);

  it("runs a Deployment's pods, which reach each other by pod IP", async () => {
    const created = await api.request("POST", "/apis/apps/v1/namespaces/default/deployments", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [
              {
                name: "httpd",
                image: "minik8s/busybox:1",
                command: ["httpd", "-f", "-p", "8080", "-h", "/var/www"],
              },
            ],
          },
        },
      },
    });
    expect(created.status).toBe(201);

    const running = await waitFor(
      "2 Running pods with IPs",
      pods,
      (items) => items.length === 2 && items.every((p) => p.status?.phase === "Running" && p.status?.podIP),
    );
    expect(running.map((p) => p.spec.nodeName)).toEqual([node, node]);

    // From inside the first pod's container, fetch the page the second pod serves.
    const [a, b] = running;
    const inA = (
      await dockerCli([
        "ps",
        "-q",
        "--filter",
        `label=${LABELS.podUid}=${a.metadata.uid}`,
        "--filter",
        `label=${LABELS.containerName}=httpd`,
      ])
    ).trim();
    expect(inA).not.toBe("");
    // Running means started, not yet listening (there is no readiness probe): ask until it answers.
    const page = await waitFor(
      `pod ${b.metadata.name} to answer on ${b.status.podIP}:8080`,
      () =>
        // nc rather than busybox wget: the static wget resolves even a numeric address through
        // glibc's NSS, which a static binary cannot load in this image and crashes on.
        dockerCli([
          "exec",
          inA,
          "sh",
          "-c",
          `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${b.status.podIP} 8080`,
        ]).catch((err: Error) => err.message),
      (out) => out.includes("Hello from minik8s"),
      30_000,
    );
    expect(page).toContain("Hello from minik8s");

    const deploy = await waitFor(
      "the Deployment to report 2 available replicas",
      () => api.request("GET", "/apis/apps/v1/namespaces/default/deployments/web").then((r) => r.body),
      (d) => d.status?.availableReplicas === 2,
    );
    expect(deploy.status.observedGeneration).toBe(deploy.metadata.generation);
  });

  it("replaces a deleted pod", async () => {
    const [victim] = await pods();
    await api.request("DELETE", `/api/v1/namespaces/default/pods/${victim.metadata.name}`);
    const after = await waitFor(
      "a replacement pod",
      pods,
      (items) =>
        items.length === 2 &&
        !items.some((p) => p.metadata.uid === victim.metadata.uid) &&
        items.every((p) => p.status?.phase === "Running"),
    );
    expect(after.map((p) => p.metadata.uid)).not.toContain(victim.metadata.uid);
  });

  it.runIf(existsSync(KUBECTL))("rolls out a new image with kubectl, and rolls it back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "minik8s-e2e-kubectl-"));
    try {
      const env = { ...process.env, HOME: dir, KUBECONFIG: await writeKubeconfig(dir, api.url) };
      const kubectl = (...args: string[]) => run(KUBECTL, args, { env, timeout: 90_000 });
      await kubectl("set", "image", "deployment/web", "httpd=minik8s/busybox:1.35.0");
      const status = await kubectl("rollout", "status", "deployment/web", "--timeout=80s");
      expect(status.stdout).toContain('deployment "web" successfully rolled out');
      const images = await waitFor(
        "pods of the new template only",
        pods,
        (items) =>
          items.length === 2 && items.every((p) => p.spec.containers[0].image === "minik8s/busybox:1.35.0"),
      );
      expect(images).toHaveLength(2);
      await kubectl("rollout", "undo", "deployment/web");
      await kubectl("rollout", "status", "deployment/web", "--timeout=80s");
      const back = await api.request("GET", "/apis/apps/v1/namespaces/default/deployments/web");
      expect(back.body.spec.template.spec.containers[0].image).toBe("minik8s/busybox:1");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("removes the containers when the Deployment is deleted", async () => {
    await api.request("DELETE", "/apis/apps/v1/namespaces/default/deployments/web");
    await waitFor("the pods to go", pods, (items) => items.length === 0);
    const left = await waitFor(
      "the node's containers to be removed",
      () => dockerCli(["ps", "-aq", "--filter", `label=${LABELS.node}=${node}`]).then((out) => out.trim()),
      (out) => out === "",
    );
    expect(left).toBe("");
  });
});

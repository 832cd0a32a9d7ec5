import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { podGateway, podNetworkName } from "@minik8s/api";
import { Client } from "@minik8s/client";
import { ControllerManager } from "@minik8s/controller-manager";
import { DockerPodNetwork, DockerRuntime, FIREWALL_COMMENT, Kubelet, LABELS } from "@minik8s/kubelet";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TestApiServer } from "../support/apiserver.js";
import { describeWithDocker, dockerCli } from "../support/docker.js";
import { waitFor } from "../support/wait-for.js";

const exec = promisify(execFile);
const runCmd = async (file: string, args: string[]) => (await exec(file, args, { timeout: 10_000 })).stdout;

// biome-ignore lint/suspicious/noExplicitAny: objects read field by field from the API
type Json = any;

// Two kubelets on this one machine, as two nodes: each gets a pod CIDR from the node IPAM
// controller and its own Docker bridge network; a pod on one reaches a pod on the other by pod IP.
describeWithDocker("the pod network on real Docker", () => {
  const suffix = `${process.pid}`;
  const nodes = [`net-a-${suffix}`, `net-b-${suffix}`];
  // A cluster CIDR of its own, so it overlaps nothing a cluster on this machine may use.
  const clusterCIDR = `10.${200 + (process.pid % 50)}.0.0/16`;
  let api: TestApiServer;
  let client: Client;
  let manager: ControllerManager;
  const kubelets: Kubelet[] = [];
  let rootDir: string;
  const driver = new DockerPodNetwork({ clusterCIDR });

  beforeAll(async () => {
    api = await TestApiServer.start();
    client = new Client({ server: api.url });
    rootDir = await mkdtemp(join(tmpdir(), "minik8s-e2e-net-"));
    manager = new ControllerManager({ client, controllers: ["nodeipam"], clusterCIDR, workers: 1 });
    manager.start();
    for (const node of nodes) {
      const kubelet = new Kubelet({
        client,
        nodeName: node,
        runtime: new DockerRuntime(),
        rootDir: join(rootDir, node),
        podNetwork: driver,
        hostRoutes: true,
        relistPeriodMs: 200,
      });
      await kubelet.start();
      kubelets.push(kubelet);
    }
    // On a loaded machine the CIDR may come after the kubelet's first wait; it is picked up later.
    await waitFor(
      "both nodes' pod networks",
      async () => kubelets.map((k) => k.podNetwork.network),
      (nets) => nets.every(Boolean),
    );
  }, 120_000);

  afterAll(async () => {
    for (const k of kubelets) await k.stop();
    await manager?.stop();
    client?.close();
    await api?.close();
    for (const node of nodes) {
      const left = (await dockerCli(["ps", "-aq", "--filter", `label=${LABELS.node}=${node}`])).trim();
      if (left) await dockerCli(["rm", "-f", ...left.split("\n")]);
    }
    // The kubelet's cleanup, as `minik8s kubelet --cleanup` does it; it must leave nothing.
    for (const node of nodes) await driver.remove(node);
    await rm(rootDir, { recursive: true, force: true });
  }, 120_000);

  const pod = (name: string, node: string, command: string[]) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: "main", image: "minik8s/busybox:1", command }],
    },
  });
  const getPod = (name: string): Promise<Json> =>
    api.request("GET", `/api/v1/namespaces/default/pods/${name}`).then((r) => r.body);
  const containerOf = async (p: Json) =>
    (
      await dockerCli([
        "ps",
        "-q",
        "--filter",
        `label=${LABELS.podUid}=${p.metadata.uid}`,
        "--filter",
        `label=${LABELS.containerName}=main`,
      ])
    ).trim();

  it("gives each node a pod CIDR and a bridge network of its own", async () => {
    const cidrs = kubelets.map((k) => k.podNetwork.podCIDR);
    expect(cidrs[0]).toBeDefined();
    expect(cidrs[1]).toBeDefined();
    expect(cidrs[0]).not.toBe(cidrs[1]);
    for (const [i, node] of nodes.entries()) {
      const subnet = (
        await dockerCli([
          "network",
          "inspect",
          podNetworkName(node),
          "--format",
          "{{(index .IPAM.Config 0).Subnet}}",
        ])
      ).trim();
      expect(subnet).toBe(cidrs[i]);
    }
    const rules = await runCmd("iptables", ["-S", "DOCKER-USER"]);
    expect(rules).toContain(`-s ${clusterCIDR}`);
  }, 120_000);

  it("lets a pod on node A reach a pod on node B by pod IP, with its own IP as the source", async () => {
    await api.request(
      "POST",
      "/api/v1/namespaces/default/pods",
      // Each answer keeps the server busy 3 s (its stdin stays open); then it listens again.
      pod("server", nodes[1]!, [
        "sh",
        "-c",
        "while true; do (echo hello-from-b; sleep 3) | nc -l -p 8080; done",
      ]),
    );
    await api.request("POST", "/api/v1/namespaces/default/pods", pod("client", nodes[0]!, ["sleep", "3600"]));
    const [server, client] = await waitFor(
      "both pods Running with IPs",
      () => Promise.all([getPod("server"), getPod("client")]),
      (ps) => ps.every((p) => p.status?.phase === "Running" && p.status?.podIP),
    );
    const cidrs = kubelets.map((k) => k.podNetwork.podCIDR ?? "");
    expect(server.status.podIP.startsWith(cidrs[1]!.replace(/0\/24$/, ""))).toBe(true);
    expect(client.status.podIP.startsWith(cidrs[0]!.replace(/0\/24$/, ""))).toBe(true);

    const inClient = await containerOf(client);
    const answer = await waitFor(
      `the server pod to answer on ${server.status.podIP}:8080`,
      () =>
        dockerCli(["exec", inClient, "sh", "-c", `nc -w 2 ${server.status.podIP} 8080 </dev/null`]).catch(
          (err: Error) => err.message,
        ),
      (out) => out.includes("hello-from-b"),
      30_000,
    );
    expect(answer).toContain("hello-from-b");

    // A connection the client holds open (its stdin stays open 8 s; tried until the server listens
    // again) is seen on the server's side as coming from the client's pod IP: no NAT between pods.
    await dockerCli([
      "exec",
      "-d",
      inClient,
      "sh",
      "-c",
      `for i in $(seq 1 20); do sleep 8 | nc ${server.status.podIP} 8080 && break; sleep 1; done`,
    ]);
    const inServer = await containerOf(server);
    const conns = await waitFor(
      "the server to see the client's pod IP",
      () => dockerCli(["exec", inServer, "netstat", "-tn"]).catch((err: Error) => err.message),
      (out) => out.includes(`${client.status.podIP}:`),
      30_000,
    );
    expect(conns).toContain(`${client.status.podIP}:`);
  }, 120_000);

  it("writes the cluster nameserver and search path into the pods' resolv.conf", async () => {
    const client = await getPod("client");
    const resolv = await dockerCli(["exec", await containerOf(client), "cat", "/etc/resolv.conf"]);
    const gateway = podGateway(kubelets[0]!.podNetwork.podCIDR ?? "");
    expect(resolv).toContain(`nameserver ${gateway}`);
    expect(resolv).toMatch(/search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
    expect(resolv).toContain("options ndots:5");
  }, 120_000);

  it("removes the networks and the host's rules on cleanup", async () => {
    for (const name of ["server", "client"]) {
      await api.request("DELETE", `/api/v1/namespaces/default/pods/${name}`);
    }
    for (const node of nodes) {
      await waitFor(
        `the containers of ${node} to go`,
        () => dockerCli(["ps", "-aq", "--filter", `label=${LABELS.node}=${node}`]).then((o) => o.trim()),
        (o) => o === "",
      );
    }
    for (const k of kubelets) expect(await k.removePodNetwork()).toBeUndefined();
    const networks = await dockerCli(["network", "ls", "--format", "{{.Name}}"]);
    for (const node of nodes) expect(networks.split("\n")).not.toContain(podNetworkName(node));
    const filter = await runCmd("iptables", ["-S", "DOCKER-USER"]);
    const nat = await runCmd("iptables", ["-t", "nat", "-S", "POSTROUTING"]);
    expect(filter).not.toContain(clusterCIDR);
    expect(nat.split("\n").filter((l) => l.includes(clusterCIDR) && l.includes(FIREWALL_COMMENT))).toEqual(
      [],
    );
  }, 120_000);
});

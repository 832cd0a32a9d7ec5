import { randomBytes } from "node:crypto";
import { type Event, kindForApiVersion, type Pod } from "@minik8s/api";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDocker, dockerCli } from "../../../../test/support/docker.js";
import { Kubelet } from "../../src/kubelet.js";
import { LABELS } from "../../src/runtime/container-runtime.js";
import { DockerRuntime } from "../../src/runtime/docker-runtime.js";
import { PODS } from "../../src/status/status-writer.js";
import { startCluster, type TestCluster } from "../support.js";

// Every container these tests make carries this node label; afterAll removes them all by it.
const NODE = `e2e-probes-${randomBytes(4).toString("hex")}`;

/** Polls every 200 ms for at most `ms`; fails saying what it waited for. */
async function waitFor(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gave up waiting for: ${what}`);
}

const EVENTS = kindForApiVersion("v1", "Event")!;
const exec = (...command: string[]) => ({ exec: { command } });

// One container with every probe and both hooks: it traps SIGTERM to log it, so the order of
// preStop and SIGTERM shows in its log; the test steers its probes through files it creates
// and removes with docker exec.
const PROBED: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "probed", namespace: "default" },
  spec: {
    nodeName: NODE,
    terminationGracePeriodSeconds: 5,
    containers: [
      {
        name: "app",
        image: "minik8s/busybox:1",
        command: ["sh", "-c", 'trap "echo term; exit 0" TERM; while true; do sleep 0.2; done'],
        livenessProbe: {
          ...exec("cat", "/tmp/alive"),
          periodSeconds: 1,
          failureThreshold: 1,
          timeoutSeconds: 10,
        },
        readinessProbe: {
          ...exec("cat", "/tmp/ready"),
          periodSeconds: 1,
          failureThreshold: 1,
          timeoutSeconds: 10,
        },
        lifecycle: {
          // Probes start once postStart is done: the liveness file it makes is there in time.
          postStart: exec("sh", "-c", "echo poststart > /tmp/poststart && touch /tmp/alive"),
          preStop: exec("sh", "-c", "echo prestop > /proc/1/fd/1"),
        },
      },
    ],
  },
};

describeWithDocker("probes and lifecycle hooks on real Docker", () => {
  let cluster: TestCluster;
  let kubelet: Kubelet;
  const get = () => cluster.client.get<Pod>(PODS, "default", "probed");
  const status = async () => (await get()).status?.containerStatuses?.[0];
  const ready = async () => (await get()).status?.conditions?.find((c) => c.type === "Ready")?.status;
  const containerId = async () => (await status())?.containerID?.replace("docker://", "") ?? "";

  beforeAll(async () => {
    cluster = await startCluster();
    kubelet = new Kubelet({
      client: cluster.client,
      nodeName: NODE,
      runtime: new DockerRuntime(),
      rootDir: cluster.dir,
      relistPeriodMs: 200,
    });
    await kubelet.start();
    await cluster.client.create(PROBED);
    await waitFor(
      "the container running",
      async () => (await status())?.state?.running !== undefined,
      30_000,
    );
  });

  afterAll(async () => {
    await kubelet?.stop();
    const ids = (await dockerCli(["ps", "-aq", "--filter", `label=${LABELS.node}=${NODE}`]))
      .split("\n")
      .filter(Boolean);
    if (ids.length > 0) await dockerCli(["rm", "-f", "-v", ...ids]);
    await cluster?.close();
  });

  it("runs the postStart hook in the started container", { timeout: 30_000 }, async () => {
    expect((await dockerCli(["exec", await containerId(), "cat", "/tmp/poststart"])).trim()).toBe(
      "poststart",
    );
  });

  it("readiness follows the exec probe both ways", { timeout: 30_000 }, async () => {
    expect(await ready()).toBe("False");
    expect((await status())?.ready).toBe(false);
    await dockerCli(["exec", await containerId(), "touch", "/tmp/ready"]);
    await waitFor("Ready True", async () => (await ready()) === "True", 15_000);
    expect((await status())?.ready).toBe(true);
    await dockerCli(["exec", await containerId(), "rm", "/tmp/ready"]);
    await waitFor("Ready False", async () => (await ready()) === "False", 15_000);
  });

  it("a failing liveness probe restarts the container, preStop before SIGTERM", {
    timeout: 60_000,
  }, async () => {
    const first = await containerId();
    expect((await status())?.restartCount).toBe(0);
    await dockerCli(["exec", first, "rm", "/tmp/alive"]);
    // Killed at once, restarted after the 10 s back-off.
    await waitFor(
      "restartCount 1 and running again",
      async () => {
        const s = await status();
        return s?.restartCount === 1 && s.state?.running !== undefined;
      },
      45_000,
    );
    const s = (await status())!;
    expect(s.lastState?.terminated?.containerID).toBe(`docker://${first}`);
    expect(s.lastState?.terminated?.exitCode).toBe(0); // its TERM trap exits 0
    const log = (await dockerCli(["logs", first])).split("\n").filter(Boolean);
    expect(log).toEqual(["prestop", "term"]);
    const events = async () =>
      (await cluster.client.list<Event>(EVENTS, { namespace: "default" })).items.map(
        (e) => `${e.reason}: ${e.message}`,
      );
    await waitFor(
      "the Unhealthy and Killing events",
      async () =>
        (await events()).includes("Killing: Container app failed liveness probe, will be restarted"),
      10_000,
    );
    expect(await events()).toContain(
      "Unhealthy: Liveness probe failed: cat: can't open '/tmp/alive': No such file or directory\n",
    );
  });
});

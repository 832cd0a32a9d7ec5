import { randomBytes } from "node:crypto";
import { isNotFound, type Pod } from "@minik8s/api";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDocker, dockerCli } from "../../../../test/support/docker.js";
import { Kubelet } from "../../src/kubelet.js";
import { LABELS } from "../../src/runtime/container-runtime.js";
import { DockerRuntime } from "../../src/runtime/docker-runtime.js";
import { PODS } from "../../src/status/status-writer.js";
import { startCluster, type TestCluster, until } from "../support.js";

// Every container these tests make carries this node label; afterAll removes them all by it.
const NODE = `e2e-kubelet-${randomBytes(4).toString("hex")}`;
const BUSYBOX = "minik8s/busybox:1";

function pod(name: string, containers: Pod["spec"]["containers"], extra: Partial<Pod["spec"]> = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers, ...extra },
  };
}

/** `type:name` of one pod's containers, as `docker ps` sees them (running only unless `all`). */
async function dockerContainers(uid: string, all = false): Promise<string[]> {
  const out = await dockerCli([
    "ps",
    ...(all ? ["-a"] : []),
    "--filter",
    `label=${LABELS.podUid}=${uid}`,
    "--format",
    `{{.Label "${LABELS.type}"}}:{{.Label "${LABELS.containerName}"}}`,
  ]);
  return out.split("\n").filter(Boolean).sort();
}

describeWithDocker("kubelet on real Docker", () => {
  let cluster: TestCluster;
  let kubelet: Kubelet;
  const runtime = new DockerRuntime();
  const getPod = (name: string) => cluster.client.get<Pod>(PODS, "default", name);

  const startKubelet = async () => {
    kubelet = new Kubelet({
      client: cluster.client,
      nodeName: NODE,
      runtime,
      rootDir: cluster.dir,
      relistPeriodMs: 200,
    });
    await kubelet.start();
  };

  beforeAll(async () => {
    cluster = await startCluster();
    await startKubelet();
  });

  afterAll(async () => {
    await kubelet?.stop();
    const ids = (await dockerCli(["ps", "-aq", "--filter", `label=${LABELS.node}=${NODE}`]))
      .split("\n")
      .filter(Boolean);
    if (ids.length > 0) await dockerCli(["rm", "-f", "-v", ...ids]);
    await cluster?.close();
  });

  it("runs a pod whose containers reach each other over localhost", { timeout: 60_000 }, async () => {
    await cluster.client.create(
      pod(
        "pair",
        [
          {
            name: "web",
            image: BUSYBOX,
            command: [
              "sh",
              "-c",
              "mkdir -p /www && echo hello-from-$(POD) > /www/index.html && exec httpd -f -p 8080 -h /www",
            ],
            env: [{ name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
          },
          {
            name: "client",
            image: BUSYBOX,
            command: ["sh", "-c"],
            args: [
              "for i in $(seq 1 100); do wget -q -O- http://localhost:8080/ | grep -q hello-from-pair && exit 0; sleep 0.1; done; exit 1",
            ],
          },
        ],
        { restartPolicy: "OnFailure" },
      ),
    );
    await until(
      "client fetched the page",
      async () => (await getPod("pair")).status?.containerStatuses?.[1]?.state?.terminated !== undefined,
      3000,
    );
    const status = (await getPod("pair")).status!;
    expect(status.containerStatuses?.[1]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: "Completed",
    });
    expect(status.containerStatuses?.[0]?.state?.running).toBeDefined();
    expect(status.phase).toBe("Running");
    expect(status.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(status.containerStatuses?.[0]?.containerID).toMatch(/^docker:\/\/[0-9a-f]{64}$/);
  });

  it("restarted, leaves exactly one container per pod container", { timeout: 60_000 }, async () => {
    const uid = (await getPod("pair")).metadata.uid!;
    const before = await dockerContainers(uid);
    expect(before).toEqual(["container:web", "podsandbox:"]);
    await kubelet.stop();
    await startKubelet();
    await kubelet.idle();
    // Let a few relists pass; each would start a duplicate if adoption were broken.
    await new Promise((r) => setTimeout(r, 1_000));
    await kubelet.idle();
    expect(await dockerContainers(uid)).toEqual(before);
    expect(await dockerContainers(uid, true)).toEqual(["container:client", "container:web", "podsandbox:"]);
    expect((await getPod("pair")).status?.phase).toBe("Running");
  });

  it("counts restarts of a crashing container and backs off", { timeout: 60_000 }, async () => {
    await cluster.client.create(
      pod("crash", [{ name: "c", image: BUSYBOX, command: ["sh", "-c", "exit 3"] }]),
    );
    await until(
      "restarted once and backing off again",
      async () => {
        const cs = (await getPod("crash")).status?.containerStatuses?.[0];
        return (cs?.restartCount ?? 0) >= 1 && cs?.state?.waiting?.reason === "CrashLoopBackOff";
      },
      4000,
    );
    const cs = (await getPod("crash")).status!.containerStatuses![0]!;
    expect(cs.state?.waiting?.message).toMatch(
      /^back-off 20s restarting failed container=c pod=crash_default/,
    );
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 3, reason: "Error" });
  });

  it("deleting pods removes their containers", { timeout: 60_000 }, async () => {
    const uids = await Promise.all(["pair", "crash"].map(async (n) => (await getPod(n)).metadata.uid!));
    for (const name of ["pair", "crash"]) await cluster.client.delete(PODS, "default", name);
    for (const name of ["pair", "crash"]) {
      await until(
        `${name} gone`,
        () =>
          getPod(name).then(
            () => false,
            (err) => isNotFound(err),
          ),
        3000,
      );
    }
    for (const uid of uids) expect(await dockerContainers(uid, true)).toEqual([]);
  });
});

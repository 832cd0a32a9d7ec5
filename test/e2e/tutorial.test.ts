import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestCluster } from "../../packages/controller-manager/test/support/cluster.js";
import { writeKubeconfig } from "../support/apiserver.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const KUBECTL = "/usr/bin/kubectl";
const MKCTL = join(ROOT, "packages/ctl/bin/mkctl.js");
const haveKubectl = existsSync(KUBECTL);
if (!haveKubectl) console.warn(`\n!!! ${KUBECTL} is missing: the tutorial runs with mkctl only\n`);

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

// biome-ignore lint/suspicious/noExplicitAny: objects read field by field
type Json = any;

// The steps a Kubernetes tutorial walks a newcomer through, each run with mkctl and with the real
// kubectl against the same cluster (simulated pods: this is about the API and the controllers):
// a bare Pod, `run`, `create deployment`, `expose`, `scale`, `set image` then `rollout undo`, and
// deleting a pod to see it replaced.
describe("the tutorial, with mkctl and with kubectl", () => {
  let cluster: TestCluster;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    cluster = await TestCluster.start({ nodes: 2 });
    home = await mkdtemp(join(tmpdir(), "minik8s-tutorial-"));
    env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      KUBECONFIG: await writeKubeconfig(home, cluster.server.url),
    };
  });

  afterAll(async () => {
    await cluster?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const tools = haveKubectl ? (["mkctl", "kubectl"] as const) : (["mkctl"] as const);

  for (const tool of tools) {
    const ns = `tutorial-${tool}`;
    const cli = (...args: string[]): Promise<Run> =>
      new Promise((resolve) => {
        const [command, base] = tool === "kubectl" ? [KUBECTL, []] : [process.execPath, [MKCTL]];
        execFile(command, [...base, "-n", ns, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) => {
          resolve({ stdout, stderr, code: err ? (typeof err.code === "number" ? err.code : 1) : 0 });
        });
      });
    const ok = async (...args: string[]): Promise<string> => {
      const r = await cli(...args);
      expect(r.code, `${tool} ${args.join(" ")}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    const json = async (...args: string[]): Promise<Json> => JSON.parse(await ok(...args, "-o", "json"));
    const until = async (what: string, done: () => Promise<boolean>): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (await done()) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`${tool}: timed out waiting for ${what}`);
    };
    const podsOf = async (app: string): Promise<Json[]> =>
      (await json("get", "pods", "-l", `app=${app}`)).items.filter(
        (p: Json) => !p.metadata.deletionTimestamp,
      );

    it(`${tool}: a bare Pod, and kubectl run`, async () => {
      await ok("create", "namespace", ns);
      expect(await ok("apply", "-f", join(ROOT, "examples/tutorial/pod.yaml"))).toBe("pod/hello created\n");
      expect(await ok("run", "shell", "--image=minik8s/busybox:1", "--", "sh", "-c", "sleep 3600")).toBe(
        "pod/shell created\n",
      );
      await until("both pods Running", async () => {
        const pods = (await json("get", "pods")).items as Json[];
        return pods.length === 2 && pods.every((p) => p.status?.phase === "Running");
      });
      const shell = await json("get", "pod", "shell");
      expect(shell.spec.containers[0].args).toEqual(["sh", "-c", "sleep 3600"]);
    });

    it(`${tool}: create deployment, expose, scale`, async () => {
      expect(await ok("create", "deployment", "web", "--image=minik8s/busybox:1", "--replicas=2")).toBe(
        "deployment.apps/web created\n",
      );
      expect(await ok("expose", "deployment", "web", "--port=80", "--target-port=8080")).toBe(
        "service/web exposed\n",
      );
      const svc = await json("get", "service", "web");
      expect(svc.spec.selector).toEqual({ app: "web" });
      expect(svc.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080, protocol: "TCP" });
      expect(svc.spec.clusterIP).toMatch(/^10\.96\./);
      expect(await ok("scale", "deployment", "web", "--replicas=3")).toBe("deployment.apps/web scaled\n");
      await until("3 web pods Running", async () => {
        const pods = await podsOf("web");
        return pods.length === 3 && pods.every((p) => p.status?.phase === "Running");
      });
      // The endpoints controller lists the three pods behind the Service.
      await until("3 endpoints", async () => {
        const ep = await json("get", "endpoints", "web");
        return (ep.subsets?.[0]?.addresses ?? []).length === 3;
      });
    });

    it(`${tool}: set image, then rollout undo`, async () => {
      expect(await ok("set", "image", "deployment/web", "busybox=minik8s/busybox:1.35.0")).toBe(
        "deployment.apps/web image updated\n",
      );
      await ok("rollout", "status", "deployment/web", "--timeout=60s");
      for (const p of await podsOf("web")) expect(p.spec.containers[0].image).toBe("minik8s/busybox:1.35.0");
      expect(await ok("rollout", "undo", "deployment/web")).toBe("deployment.apps/web rolled back\n");
      await ok("rollout", "status", "deployment/web", "--timeout=60s");
      const d = await json("get", "deployment", "web");
      expect(d.spec.template.spec.containers[0].image).toBe("minik8s/busybox:1");
      await until("old pods gone", async () => {
        const pods = await podsOf("web");
        return pods.length === 3 && pods.every((p) => p.spec.containers[0].image === "minik8s/busybox:1");
      });
    });

    it(`${tool}: a deleted pod is replaced`, async () => {
      const before = (await podsOf("web")).map((p) => p.metadata.name as string);
      expect(before).toHaveLength(3);
      const victim = before[0] as string;
      expect(await ok("delete", "pod", victim)).toBe(`pod "${victim}" deleted\n`);
      await until("a replacement Running", async () => {
        const now = await podsOf("web");
        return (
          now.length === 3 &&
          !now.some((p) => p.metadata.name === victim) &&
          now.every((p) => p.status?.phase === "Running")
        );
      });
    });

    it(`${tool}: the model-training Deployment`, async () => {
      expect(await ok("apply", "-f", join(ROOT, "examples/tutorial/model-training.yaml"))).toBe(
        "deployment.apps/model-training created\n",
      );
      await ok("rollout", "status", "deployment/model-training", "--timeout=60s");
    });
  }
});

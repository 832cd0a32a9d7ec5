import { randomUUID } from "node:crypto";
import { afterAll, expect, it } from "vitest";
import { describeWithDocker, dockerCli } from "./support/docker.js";

// The images scripts/build-images.sh makes are what every pod in the examples and tests runs.
describeWithDocker("local images", () => {
  const names: string[] = [];
  const containerName = (what: string) => {
    const name = `minik8s-test-${what}-${randomUUID().slice(0, 8)}`;
    names.push(name);
    return name;
  };
  afterAll(async () => {
    if (names.length > 0) await dockerCli(["rm", "-f", ...names]).catch(() => undefined);
  });

  it("minik8s/busybox:1 has the tools the examples use", async () => {
    const out = await dockerCli([
      "run",
      "--rm",
      "--name",
      containerName("tools"),
      "minik8s/busybox:1",
      "sh",
      "-c",
      "which sh httpd wget nc sleep",
    ]);
    expect(out.trim().split("\n")).toEqual(["/bin/sh", "/bin/httpd", "/bin/wget", "/bin/nc", "/bin/sleep"]);
  });

  it("minik8s/busybox:1 serves its page with httpd", async () => {
    const out = await dockerCli([
      "run",
      "--rm",
      "--name",
      containerName("httpd"),
      "minik8s/busybox:1",
      "sh",
      "-c",
      "httpd -p 127.0.0.1:8080 -h /var/www && wget -qO- http://127.0.0.1:8080/",
    ]);
    expect(out).toContain("Hello from minik8s");
  });

  it("minik8s/pause:1 exits cleanly on SIGTERM instead of waiting to be killed", async () => {
    const name = containerName("pause");
    await dockerCli(["run", "-d", "--name", name, "minik8s/pause:1"]);
    await dockerCli(["stop", "-t", "20", name]);
    const exitCode = await dockerCli(["inspect", "-f", "{{.State.ExitCode}}", name]);
    // 0 means the trap ran; a SIGKILL after the grace period would show 137.
    expect(exitCode.trim()).toBe("0");
  });
});

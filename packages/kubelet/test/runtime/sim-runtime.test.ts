import { FakeClock } from "@minik8s/client";
import { describe, expect, it } from "vitest";
import { LABELS } from "../../src/runtime/container-runtime.js";
import { SimRuntime } from "../../src/runtime/sim-runtime.js";

const labels = (name: string) => ({ [LABELS.podUid]: "u1", [LABELS.containerName]: name });

describe("SimRuntime", () => {
  it("runs a container until told it exits, keeping Docker's record of it", async () => {
    const clock = new FakeClock();
    const sim = new SimRuntime({ clock });
    const sandbox = await sim.runSandbox({ name: "s", hostname: "p", labels: { [LABELS.podUid]: "u1" } });
    expect(sandbox.ok).toBe(true);
    if (!sandbox.ok) return;
    const created = await sim.createContainer(sandbox.value, {
      name: "c",
      image: "img:1",
      env: {},
      labels: { ...labels("app"), [LABELS.restartCount]: "2" },
    });
    if (!created.ok) throw new Error(created.error.message);
    expect((await sim.inspect(created.value))?.state).toBe("created");
    await sim.startContainer(created.value);
    clock.advance(5_000);
    sim.exitContainer("u1", "app", 3);
    const c = await sim.inspect(created.value);
    expect(c).toMatchObject({ state: "exited", exitCode: 3, restartCount: 2 });
    expect(c!.finishedAt! - c!.startedAt!).toBe(5_000);
    expect((await sim.list({ [LABELS.podUid]: "u1" })).map((x) => x.kind).sort()).toEqual([
      "container",
      "sandbox",
    ]);
    expect((await sim.list({ [LABELS.podUid]: "other" })).length).toBe(0);
  });

  it("answers pull policies and pull failures as values", async () => {
    const sim = new SimRuntime({ images: ["here:1"] });
    expect(await sim.ensureImage("here:1", "IfNotPresent")).toMatchObject({ ok: true });
    expect(sim.pulls).toEqual([]);
    expect(await sim.ensureImage("here:1", "Always")).toMatchObject({ ok: true });
    expect(sim.pulls).toEqual(["here:1"]);
    expect(await sim.ensureImage("absent:1", "Never")).toMatchObject({
      ok: false,
      error: { reason: "ErrImageNeverPull" },
    });
    sim.failPull("bad:1");
    expect(await sim.ensureImage("bad:1", "IfNotPresent")).toMatchObject({
      ok: false,
      error: { reason: "ErrImagePull" },
    });
  });

  it("kills a container that ignores SIGTERM only when the grace period runs out", async () => {
    const clock = new FakeClock();
    const sim = new SimRuntime({ clock });
    const sandbox = await sim.runSandbox({ name: "s", hostname: "p", labels: {} });
    if (!sandbox.ok) throw new Error("no sandbox");
    const created = await sim.createContainer(sandbox.value, {
      name: "c",
      image: "i",
      env: {},
      labels: labels("app"),
    });
    if (!created.ok) throw new Error("no container");
    await sim.startContainer(created.value);
    sim.ignoreSigterm("u1", "app");
    let stopped = false;
    const stopping = sim.stop(created.value, 30).then(() => {
      stopped = true;
    });
    clock.advance(29_000);
    await Promise.resolve();
    expect(stopped).toBe(false);
    clock.advance(1_000);
    await stopping;
    expect((await sim.inspect(created.value))?.exitCode).toBe(137);
  });
});

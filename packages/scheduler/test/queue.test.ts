import type { Pod } from "@minik8s/api";
import { FakeClock } from "@minik8s/client";
import { describe, expect, it } from "vitest";
import { SchedulingQueue } from "../src/scheduling-queue.js";

function pod(name: string, opts: { priority?: number; labels?: Record<string, string> } = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", uid: `uid-${name}`, labels: opts.labels ?? {} },
    spec: {
      containers: [{ name: "c", image: "busybox" }],
      ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
    },
  };
}

function setup() {
  const clock = new FakeClock();
  const queue = new SchedulingQueue({ clock });
  return { clock, queue };
}

/** Pops one pod and fails it as unschedulable (or with an error), as the scheduler would. */
function popAndFail(queue: SchedulingQueue, unschedulable: boolean): string {
  const info = queue.tryPop();
  if (!info) throw new Error("nothing to pop");
  queue.requeue(info, { unschedulable, cycle: queue.schedulingCycle });
  return info.key;
}

describe("SchedulingQueue", () => {
  it("pops by priority, then by how long a pod has waited", () => {
    const { clock, queue } = setup();
    queue.add(pod("low-old", { priority: 0 }));
    clock.advance(10);
    queue.add(pod("high", { priority: 100 }));
    clock.advance(10);
    queue.add(pod("low-new", { priority: 0 }));
    clock.advance(10);
    queue.add(pod("mid", { priority: 50 }));
    const order = [];
    for (let info = queue.tryPop(); info; info = queue.tryPop()) order.push(info.pod.metadata?.name);
    expect(order).toEqual(["high", "mid", "low-old", "low-new"]);
  });

  it("backs a failed pod off 1 s, then 2 s, 4 s, 8 s and at most 10 s", () => {
    const { clock, queue } = setup();
    queue.add(pod("p"));
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      popAndFail(queue, false);
      expect(queue.where("default/p")).toBe("backoff");
      let waited = 0;
      // Move time in 100 ms steps until the pod is active again (bounded: 20 s).
      while (queue.where("default/p") !== "active" && waited < 20_000) {
        clock.advance(100);
        waited += 100;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it("keeps an unschedulable pod out of the active queue until a node is added", () => {
    const { clock, queue } = setup();
    queue.add(pod("gpu"));
    popAndFail(queue, true);
    expect(queue.where("default/gpu")).toBe("unschedulable");
    clock.advance(5_000);
    expect(queue.tryPop()).toBeUndefined();
    queue.moveAllToActiveOrBackoff("NodeAdd");
    expect(queue.where("default/gpu")).toBe("active");
    expect(queue.tryPop()?.key).toBe("default/gpu");
  });

  it("a pod moved back while still backing off waits out its backoff first", () => {
    const { clock, queue } = setup();
    queue.add(pod("p"));
    popAndFail(queue, true);
    clock.advance(300);
    queue.moveAllToActiveOrBackoff("NodeAdd");
    expect(queue.where("default/p")).toBe("backoff");
    clock.advance(700);
    expect(queue.where("default/p")).toBe("active");
  });

  it("retries an unschedulable pod after 60 s even if nothing happened", () => {
    const { clock, queue } = setup();
    queue.add(pod("p"));
    popAndFail(queue, true);
    clock.advance(59_000);
    expect(queue.where("default/p")).toBe("unschedulable");
    clock.advance(1_000);
    expect(queue.where("default/p")).toBe("active");
  });

  it("a node added while the pod was being tried sends it to backoff, not to unschedulable", () => {
    const { queue } = setup();
    queue.add(pod("p"));
    const info = queue.tryPop()!;
    const cycle = queue.schedulingCycle;
    queue.moveAllToActiveOrBackoff("NodeAdd");
    queue.requeue(info, { unschedulable: true, cycle });
    expect(queue.where("default/p")).toBe("backoff");
  });

  it("retries an unschedulable pod whose labels or tolerations changed, not one whose status did", () => {
    const { clock, queue } = setup();
    const original = pod("p");
    queue.add(original);
    popAndFail(queue, true);
    clock.advance(2_000);
    const statusOnly = {
      ...original,
      status: { conditions: [{ type: "PodScheduled", status: "False" as const }] },
    };
    queue.update(original, statusOnly);
    expect(queue.where("default/p")).toBe("unschedulable");
    const tolerating: Pod = {
      ...statusOnly,
      spec: { ...statusOnly.spec, tolerations: [{ key: "gpu", operator: "Exists" }] },
    };
    queue.update(statusOnly, tolerating);
    expect(queue.where("default/p")).toBe("active");
    expect(queue.tryPop()?.pod.spec.tolerations).toHaveLength(1);
  });

  it("forgets a pod deleted while it was being scheduled", () => {
    const { queue } = setup();
    const p = pod("p");
    queue.add(p);
    const info = queue.tryPop()!;
    queue.delete(p);
    expect(queue.requeue(info, { unschedulable: true, cycle: queue.schedulingCycle })).toBe(false);
    expect(queue.where("default/p")).toBeUndefined();
  });

  it("pop waits for a pod and gives up when its signal aborts", async () => {
    const { queue } = setup();
    const waiting = queue.pop();
    queue.add(pod("late"));
    expect((await waiting)?.key).toBe("default/late");
    const abort = new AbortController();
    const never = queue.pop(abort.signal);
    abort.abort();
    expect(await never).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { cronJobPrinter } from "../../src/tables/cronjob-columns.js";
import { deploymentPrinter } from "../../src/tables/deployment-columns.js";
import { hpaPrinter } from "../../src/tables/hpa-columns.js";
import { jobPrinter } from "../../src/tables/job-columns.js";
import { replicaSetPrinter } from "../../src/tables/replicaset-columns.js";
import type { Printer } from "../../src/tables/table.js";

const now = new Date("2024-05-01T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const MIN = 60_000;
const meta = (name: string) => ({ name, namespace: "default", creationTimestamp: ago(3 * 24 * 60 * MIN) });
const template = {
  metadata: { labels: { app: "web" } },
  spec: {
    containers: [
      { name: "nginx", image: "nginx:1.26" },
      { name: "side", image: "busybox" },
    ],
  },
};
const headers = (p: Printer) => p.columns.map((c) => (c.priority === 1 ? `(${c.name})` : c.name));

describe("deployment rows", () => {
  it("NAME READY UP-TO-DATE AVAILABLE AGE, wide CONTAINERS IMAGES SELECTOR", () => {
    expect(headers(deploymentPrinter)).toEqual([
      "Name",
      "Ready",
      "Up-to-date",
      "Available",
      "Age",
      "(Containers)",
      "(Images)",
      "(Selector)",
    ]);
    const row = deploymentPrinter.row(
      {
        metadata: meta("web"),
        spec: {
          replicas: 3,
          selector: {
            matchLabels: { app: "web", tier: "fe" },
            matchExpressions: [{ key: "env", operator: "In", values: ["prod", "dev"] }],
          },
          template,
        },
        status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      },
      now,
    );
    expect(row.cells).toEqual([
      "web",
      "2/3",
      3,
      2,
      "3d",
      "nginx,side",
      "nginx:1.26,busybox",
      "app=web,env in (dev,prod),tier=fe",
    ]);
  });

  it("a new deployment without status reads 0/N", () => {
    const row = deploymentPrinter.row({ metadata: meta("web"), spec: { replicas: 2, template } }, now);
    expect(row.cells.slice(1, 4)).toEqual(["0/2", 0, 0]);
  });
});

describe("replicaset rows", () => {
  it("NAME DESIRED CURRENT READY AGE, wide CONTAINERS IMAGES SELECTOR", () => {
    expect(headers(replicaSetPrinter)).toEqual([
      "Name",
      "Desired",
      "Current",
      "Ready",
      "Age",
      "(Containers)",
      "(Images)",
      "(Selector)",
    ]);
    const row = replicaSetPrinter.row(
      {
        metadata: meta("web-5d9c8"),
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: "web", "pod-template-hash": "5d9c8" } },
          template,
        },
        status: { replicas: 3, readyReplicas: 1 },
      },
      now,
    );
    expect(row.cells).toEqual([
      "web-5d9c8",
      3,
      3,
      1,
      "3d",
      "nginx,side",
      "nginx:1.26,busybox",
      "app=web,pod-template-hash=5d9c8",
    ]);
  });

  it("prints <none> for a selector that selects everything", () => {
    const row = replicaSetPrinter.row(
      { metadata: meta("rs"), spec: { replicas: 0, selector: {}, template } },
      now,
    );
    expect(row.cells[7]).toBe("<none>");
  });
});

describe("job rows", () => {
  it("a running job counts its duration to now", () => {
    expect(headers(jobPrinter)).toEqual([
      "Name",
      "Status",
      "Completions",
      "Duration",
      "Age",
      "(Containers)",
      "(Images)",
      "(Selector)",
    ]);
    const row = jobPrinter.row(
      {
        metadata: meta("train"),
        spec: {
          completions: 3,
          parallelism: 1,
          selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "u1" } },
          template,
        },
        status: { startTime: ago(4 * MIN), succeeded: 1, active: 1 },
      },
      now,
    );
    expect(row.cells.slice(0, 5)).toEqual(["train", "Running", "1/3", "4m", "3d"]);
  });

  it("a finished job shows start to completion", () => {
    const row = jobPrinter.row(
      {
        metadata: meta("once"),
        spec: { template },
        status: {
          startTime: ago(30 * MIN),
          completionTime: ago(30 * MIN - 45_000),
          succeeded: 1,
          conditions: [{ type: "Complete", status: "True" }],
        },
      },
      now,
    );
    expect(row.cells.slice(1, 4)).toEqual(["Complete", "1/1", "45s"]);
  });

  it("failed, suspended and work-queue jobs", () => {
    const failed = jobPrinter.row(
      {
        metadata: meta("f"),
        spec: { completions: 1 },
        status: { conditions: [{ type: "Failed", status: "True" }] },
      },
      now,
    );
    expect(failed.cells.slice(1, 4)).toEqual(["Failed", "0/1", ""]);
    const suspended = jobPrinter.row(
      {
        metadata: meta("s"),
        spec: { parallelism: 4 },
        status: { conditions: [{ type: "Suspended", status: "True" }] },
      },
      now,
    );
    expect(suspended.cells.slice(1, 3)).toEqual(["Suspended", "0/1 of 4"]);
  });
});

describe("cronjob rows", () => {
  it("NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE", () => {
    expect(headers(cronJobPrinter).slice(0, 7)).toEqual([
      "Name",
      "Schedule",
      "Timezone",
      "Suspend",
      "Active",
      "Last Schedule",
      "Age",
    ]);
    const row = cronJobPrinter.row(
      {
        metadata: meta("nightly"),
        spec: { schedule: "0 3 * * *", suspend: false, jobTemplate: { spec: { template } } },
        status: { active: [{ name: "nightly-1" }], lastScheduleTime: ago(90 * MIN) },
      },
      now,
    );
    expect(row.cells).toEqual([
      "nightly",
      "0 3 * * *",
      "<none>",
      "False",
      1,
      "90m",
      "3d",
      "nginx,side",
      "nginx:1.26,busybox",
      "<none>",
    ]);
  });

  it("never scheduled, suspend unset", () => {
    const row = cronJobPrinter.row(
      { metadata: meta("c"), spec: { schedule: "*/5 * * * *", timeZone: "Etc/UTC" } },
      now,
    );
    expect(row.cells.slice(2, 6)).toEqual(["Etc/UTC", "<unset>", 0, "<none>"]);
  });
});

describe("horizontalpodautoscaler rows", () => {
  it("NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE", () => {
    expect(headers(hpaPrinter)).toEqual([
      "Name",
      "Reference",
      "Targets",
      "MinPods",
      "MaxPods",
      "Replicas",
      "Age",
    ]);
    const row = hpaPrinter.row(
      {
        metadata: meta("web"),
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
          minReplicas: 1,
          maxReplicas: 10,
          metrics: [
            {
              type: "Resource",
              resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
            },
          ],
        },
        status: {
          currentReplicas: 2,
          currentMetrics: [
            { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 40 } } },
          ],
        },
      },
      now,
    );
    expect(row.cells).toEqual(["web", "Deployment/web", "cpu: 40%/80%", "1", 10, 2, "3d"]);
  });

  it("unknown current values, value targets and more than two metrics", () => {
    const row = hpaPrinter.row(
      {
        metadata: meta("web"),
        spec: {
          scaleTargetRef: { kind: "Deployment", name: "web" },
          maxReplicas: 5,
          metrics: [
            {
              type: "Resource",
              resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
            },
            {
              type: "Resource",
              resource: { name: "memory", target: { type: "AverageValue", averageValue: "200Mi" } },
            },
            {
              type: "Pods",
              pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } },
            },
          ],
        },
      },
      now,
    );
    expect(row.cells.slice(2, 6)).toEqual([
      "cpu: <unknown>/50%, memory: <unknown>/200Mi + 1 more...",
      "<unset>",
      5,
      0,
    ]);
  });
});

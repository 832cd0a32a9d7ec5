import { describe, expect, it } from "vitest";
import { tableColumns, toTable } from "../../src/tables/to-table.js";
import type { ApiObject } from "../../src/watch/watch-event.js";

const now = new Date("2024-05-01T12:00:00Z");
const pod: ApiObject = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: "web-1",
    namespace: "prod",
    uid: "u-1",
    resourceVersion: "42",
    creationTimestamp: "2024-05-01T11:00:00Z",
    labels: { app: "web" },
    managedFields: [{ manager: "kubectl" }],
  },
  spec: { containers: [{ name: "app", image: "nginx" }] },
  status: { phase: "Pending" },
};

describe("toTable", () => {
  it("builds a meta.k8s.io/v1 Table whose rows carry PartialObjectMetadata by default", () => {
    const table = toTable("pods", "", [pod], { now, listMeta: { resourceVersion: "99", continue: "abc" } });
    expect(table.apiVersion).toBe("meta.k8s.io/v1");
    expect(table.kind).toBe("Table");
    expect(table.metadata).toEqual({ resourceVersion: "99", continue: "abc" });
    expect(table.columnDefinitions.map((c) => c.name).slice(0, 5)).toEqual([
      "Name",
      "Ready",
      "Status",
      "Restarts",
      "Age",
    ]);
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]?.cells.slice(0, 5)).toEqual(["web-1", "0/1", "Pending", "0", "60m"]);
    expect(table.rows[0]?.object).toEqual({
      kind: "PartialObjectMetadata",
      apiVersion: "meta.k8s.io/v1",
      metadata: {
        name: "web-1",
        namespace: "prod",
        uid: "u-1",
        resourceVersion: "42",
        creationTimestamp: "2024-05-01T11:00:00Z",
        labels: { app: "web" },
      },
    });
    // Every row has one cell per column.
    expect(table.rows[0]?.cells).toHaveLength(table.columnDefinitions.length);
  });

  it("honours includeObject None and Object", () => {
    expect(toTable("pods", "", [pod], { now, includeObject: "None" }).rows[0]).not.toHaveProperty("object");
    expect(toTable("pods", "", [pod], { now, includeObject: "Object" }).rows[0]?.object).toBe(pod);
  });

  it("prints an empty list with its columns and no rows", () => {
    const table = toTable("deployments", "apps", [], { now });
    expect(table.rows).toEqual([]);
    expect(table.columnDefinitions[1]?.name).toBe("Ready");
    expect(table.metadata).toEqual({});
  });

  it("picks the printer by group as well as resource", () => {
    expect(tableColumns("deployments", "apps").map((c) => c.name)).toContain("Up-to-date");
    expect(tableColumns("deployments", "example.com").map((c) => c.name)).toEqual(["Name", "Age"]);
  });

  it("falls back to NAME AGE for kinds without a printer", () => {
    const table = toTable(
      "widgets",
      "example.com",
      [{ metadata: { name: "w", creationTimestamp: "2024-05-01T11:59:00Z" } }],
      {
        now,
      },
    );
    expect(table.columnDefinitions.map((c) => [c.name, c.format])).toEqual([
      ["Name", "name"],
      ["Age", ""],
    ]);
    expect(table.rows[0]?.cells).toEqual(["w", "60s"]);
  });

  it("has a printer with one cell per column for every resource it knows", () => {
    const resources: [string, string][] = [
      ["pods", ""],
      ["nodes", ""],
      ["namespaces", ""],
      ["services", ""],
      ["endpoints", ""],
      ["configmaps", ""],
      ["secrets", ""],
      ["events", ""],
      ["leases", "coordination.k8s.io"],
      ["deployments", "apps"],
      ["replicasets", "apps"],
      ["jobs", "batch"],
      ["cronjobs", "batch"],
      ["horizontalpodautoscalers", "autoscaling"],
    ];
    for (const [plural, group] of resources) {
      const table = toTable(plural, group, [{ metadata: { name: "x" } }], { now });
      expect(table.columnDefinitions.length, plural).toBeGreaterThan(2);
      expect(table.rows[0]?.cells, plural).toHaveLength(table.columnDefinitions.length);
    }
  });
});

import { humanDuration } from "@minik8s/api";
import { describe, expect, it } from "vitest";
import { parseCustomColumns, printCustomColumns } from "../src/printers/custom-columns.js";
import { JsonPath } from "../src/printers/jsonpath.js";
import { parseOutput, printObjects } from "../src/printers/output.js";
import { printTable, type Table } from "../src/printers/table-printer.js";
import { toYaml } from "../src/printers/yaml-printer.js";

// Shaped like the apiserver's reply to `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.
const podTable: Table = {
  kind: "Table",
  apiVersion: "meta.k8s.io/v1",
  metadata: { resourceVersion: "42" },
  columnDefinitions: [
    { name: "Name", type: "string", format: "name", description: "", priority: 0 },
    { name: "Ready", type: "string", format: "", description: "", priority: 0 },
    { name: "Status", type: "string", format: "", description: "", priority: 0 },
    { name: "Restarts", type: "string", format: "", description: "", priority: 0 },
    { name: "Age", type: "string", format: "", description: "", priority: 0 },
    { name: "IP", type: "string", format: "", description: "", priority: 1 },
    { name: "Nominated Node", type: "string", format: "", description: "", priority: 1 },
  ],
  rows: [
    {
      cells: ["web-7d4b9c8f5-abcde", "1/1", "Running", "0", "5m", "10.244.0.5", "<none>"],
      object: {
        metadata: { name: "web-7d4b9c8f5-abcde", namespace: "default", labels: { app: "web", tier: "a" } },
      },
    },
    {
      cells: ["db", "0/1", "Pending", "2 (3m ago)", "12s", null, "<none>"],
      object: { metadata: { name: "db", namespace: "prod" } },
    },
  ],
};

describe("table printer", () => {
  it("pads every column but the last to its widest cell plus three spaces, headers upper-cased", () => {
    expect(printTable(podTable)).toBe(
      "NAME                  READY   STATUS    RESTARTS     AGE\n" +
        "web-7d4b9c8f5-abcde   1/1     Running   0            5m\n" +
        "db                    0/1     Pending   2 (3m ago)   12s\n",
    );
  });

  it("shows priority-1 columns only when wide, and nil cells as empty", () => {
    const text = printTable(podTable, { wide: true });
    expect(text.split("\n")[0]).toBe(
      "NAME                  READY   STATUS    RESTARTS     AGE   IP           NOMINATED NODE",
    );
    expect(text.split("\n")[2]).toBe(
      "db                    0/1     Pending   2 (3m ago)   12s                <none>",
    );
  });

  it("adds NAMESPACE first, LABELS last and kind prefixes as kubectl does", () => {
    const text = printTable(podTable, {
      withNamespace: true,
      showLabels: true,
      kindPrefix: "pod",
      noHeaders: true,
    });
    expect(text).toBe(
      "default   pod/web-7d4b9c8f5-abcde   1/1   Running   0            5m    app=web,tier=a\n" +
        "prod      pod/db                    0/1   Pending   2 (3m ago)   12s   <none>\n",
    );
  });

  it("keeps a minimum column width of 6 like kubectl's tabwriter", () => {
    const t: Table = { columnDefinitions: [{ name: "A" }, { name: "B" }], rows: [{ cells: ["x", "y"] }] };
    expect(printTable(t)).toBe("A     B\nx     y\n");
  });
});

describe("ages", () => {
  it.each([
    [5_000, "5s"],
    [119_000, "119s"],
    [192_000, "3m12s"],
    [600_000, "10m"],
    [3 * 3600_000 + 5 * 60_000, "3h5m"],
    [30 * 3600_000, "30h"],
    [2 * 86400_000, "2d"],
    [3 * 86400_000 + 4 * 3600_000, "3d4h"],
    [400 * 86400_000, "400d"],
  ])("%d ms is %s", (ms, text) => expect(humanDuration(ms)).toBe(text));
});

const deployments = {
  kind: "List",
  apiVersion: "v1",
  items: [
    {
      metadata: { name: "web", labels: { app: "web" } },
      spec: {
        replicas: 3,
        template: {
          spec: {
            containers: [
              { name: "a", image: "nginx" },
              { name: "b", image: "redis" },
            ],
          },
        },
      },
      status: {
        conditions: [
          { type: "Available", status: "True" },
          { type: "Progressing", status: "False" },
        ],
      },
    },
    {
      metadata: { name: "api" },
      spec: { replicas: 1, template: { spec: { containers: [{ name: "c", image: "node" }] } } },
    },
  ],
};

describe("jsonpath", () => {
  it("selects fields, wildcards, indexes and slices", () => {
    expect(new JsonPath("{.items[*].metadata.name}").execute(deployments)).toBe("web api");
    expect(new JsonPath("{.items[0].spec.replicas}").execute(deployments)).toBe("3");
    expect(new JsonPath("{.items[-1:].metadata.name}").execute(deployments)).toBe("api");
    expect(new JsonPath("{.items[0].spec.template.spec.containers[*].image}").execute(deployments)).toBe(
      "nginx redis",
    );
  });

  it("ranges with literals and filters", () => {
    const p = new JsonPath('{range .items[*]}{.metadata.name}{"\\t"}{.spec.replicas}{"\\n"}{end}');
    expect(p.execute(deployments)).toBe("web\t3\napi\t1\n");
    expect(
      new JsonPath('{.items[0].status.conditions[?(@.type=="Available")].status}').execute(deployments),
    ).toBe("True");
    expect(new JsonPath("{..image}").execute(deployments)).toBe("nginx redis node");
  });

  it("prints maps as JSON and missing keys as nothing", () => {
    expect(new JsonPath("{.items[0].metadata.labels}").execute(deployments)).toBe('{"app":"web"}');
    expect(new JsonPath("x{.nope}y").execute(deployments)).toBe("xy");
  });
});

describe("custom columns", () => {
  it("prints one row per object with <none> for missing values and joins several", () => {
    const cols = parseCustomColumns(
      "NAME:.metadata.name,IMAGES:.spec.template.spec.containers[*].image,APP:metadata.labels.app",
    );
    expect(printCustomColumns(cols, deployments.items)).toBe(
      "NAME   IMAGES        APP\nweb    nginx,redis   web\napi    node          <none>\n",
    );
  });

  it("rejects a column without a path", () => {
    expect(() => parseCustomColumns("NAME")).toThrow(/expected <header>:<json-path-expr>/);
  });
});

describe("output formats", () => {
  it("wraps several objects in a List with sorted keys, like kubectl -o yaml", () => {
    const text = printObjects(
      parseOutput("yaml"),
      [{ kind: "Pod", apiVersion: "v1", metadata: { name: "a" } }],
      false,
    );
    expect(text).toBe(
      'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\nkind: List\nmetadata:\n  resourceVersion: ""\n',
    );
  });

  it("quotes strings YAML 1.1 would misread, as Go's yaml does", () => {
    expect(toYaml({ t: "2024-01-01T00:00:00Z", b: "yes", a: "1" })).toBe(
      'a: "1"\nb: "yes"\nt: "2024-01-01T00:00:00Z"\n',
    );
  });

  it("names objects kind.group/name", () => {
    const text = printObjects(
      parseOutput("name"),
      [
        { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } },
        { apiVersion: "v1", kind: "Service", metadata: { name: "web" } },
      ],
      false,
    );
    expect(text).toBe("deployment.apps/web\nservice/web\n");
  });

  it("refuses unknown formats with kubectl's list", () => {
    expect(() => parseOutput("xml")).toThrow(
      /unable to match a printer suitable for the output format "xml"/,
    );
  });
});

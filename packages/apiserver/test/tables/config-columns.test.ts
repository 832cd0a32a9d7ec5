import { describe, expect, it } from "vitest";
import { configMapPrinter } from "../../src/tables/configmap-columns.js";
import { eventPrinter } from "../../src/tables/event-columns.js";
import { leasePrinter } from "../../src/tables/lease-columns.js";
import { secretPrinter } from "../../src/tables/secret-columns.js";

const now = new Date("2024-05-01T12:00:00Z");
const meta = (name: string) => ({ name, namespace: "default", creationTimestamp: "2024-05-01T11:58:00Z" });

describe("configmap, secret and lease rows", () => {
  it("configmaps count data and binaryData keys", () => {
    const row = configMapPrinter.row(
      { metadata: meta("cfg"), data: { a: "1", b: "2" }, binaryData: { c: "AA==" } },
      now,
    );
    expect(row.cells).toEqual(["cfg", 3, "2m"]);
  });

  it("secrets show type and key count, never values", () => {
    const row = secretPrinter.row(
      { metadata: meta("tls"), type: "kubernetes.io/tls", data: { "tls.crt": "QQ==", "tls.key": "Qg==" } },
      now,
    );
    expect(secretPrinter.columns.map((c) => c.name)).toEqual(["Name", "Type", "Data", "Age"]);
    expect(row.cells).toEqual(["tls", "kubernetes.io/tls", 2, "2m"]);
  });

  it("leases show their holder", () => {
    const row = leasePrinter.row(
      { metadata: meta("kube-scheduler"), spec: { holderIdentity: "host-1_abc" } },
      now,
    );
    expect(row.cells).toEqual(["kube-scheduler", "host-1_abc", "2m"]);
    expect(leasePrinter.row({ metadata: meta("free"), spec: {} }, now).cells[1]).toBe("");
  });
});

describe("event rows", () => {
  it("LAST SEEN TYPE REASON OBJECT MESSAGE, the rest wide", () => {
    expect(eventPrinter.columns.filter((c) => c.priority === 0).map((c) => c.name)).toEqual([
      "Last Seen",
      "Type",
      "Reason",
      "Object",
      "Message",
    ]);
    expect(eventPrinter.columns.find((c) => c.format === "name")?.name).toBe("Name");
    const row = eventPrinter.row(
      {
        metadata: meta("web-1.17a"),
        involvedObject: { kind: "Pod", name: "web-1", fieldPath: "spec.containers{app}" },
        reason: "Pulled",
        message: 'Successfully pulled image "nginx"\n',
        type: "Normal",
        source: { component: "kubelet", host: "node-a" },
        firstTimestamp: "2024-05-01T11:50:00Z",
        lastTimestamp: "2024-05-01T11:59:00Z",
        count: 4,
      },
      now,
    );
    expect(row.cells).toEqual([
      "60s",
      "Normal",
      "Pulled",
      "pod/web-1",
      "spec.containers{app}",
      "kubelet, node-a",
      'Successfully pulled image "nginx"',
      "10m",
      4,
      "web-1.17a",
    ]);
  });

  it("a single event without lastTimestamp or count", () => {
    const row = eventPrinter.row(
      {
        metadata: meta("e"),
        involvedObject: { kind: "Node" },
        reason: "Starting",
        type: "Normal",
        reportingComponent: "kubelet",
        eventTime: "2024-05-01T11:59:50.000000Z",
      },
      now,
    );
    expect(row.cells.slice(0, 6)).toEqual(["10s", "Normal", "Starting", "node", "", "kubelet"]);
    expect(row.cells[8]).toBe(1);
  });
});

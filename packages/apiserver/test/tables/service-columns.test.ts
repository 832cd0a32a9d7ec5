import { describe, expect, it } from "vitest";
import { endpointsPrinter } from "../../src/tables/endpoints-columns.js";
import { servicePrinter } from "../../src/tables/service-columns.js";

const now = new Date("2024-05-01T12:00:00Z");
const meta = (name: string) => ({ name, namespace: "default", creationTimestamp: "2024-05-01T11:00:00Z" });

describe("service rows", () => {
  it("NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, wide SELECTOR", () => {
    expect(servicePrinter.columns.map((c) => [c.name, c.priority])).toEqual([
      ["Name", 0],
      ["Type", 0],
      ["Cluster-IP", 0],
      ["External-IP", 0],
      ["Port(s)", 0],
      ["Age", 0],
      ["Selector", 1],
    ]);
    const row = servicePrinter.row(
      {
        metadata: meta("web"),
        spec: {
          type: "ClusterIP",
          clusterIP: "10.96.0.10",
          clusterIPs: ["10.96.0.10"],
          ports: [
            { name: "dns", port: 53, protocol: "UDP" },
            { name: "dns-tcp", port: 53, protocol: "TCP" },
          ],
          selector: { "k8s-app": "kube-dns", app: "dns" },
        },
      },
      now,
    );
    expect(row.cells).toEqual([
      "web",
      "ClusterIP",
      "10.96.0.10",
      "<none>",
      "53/UDP,53/TCP",
      "60m",
      "app=dns,k8s-app=kube-dns",
    ]);
  });

  it("NodePort shows port:nodePort", () => {
    const row = servicePrinter.row(
      {
        metadata: meta("np"),
        spec: {
          type: "NodePort",
          clusterIPs: ["10.96.1.2"],
          ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }],
        },
      },
      now,
    );
    expect(row.cells.slice(1, 5)).toEqual(["NodePort", "10.96.1.2", "<none>", "80:30080/TCP"]);
    expect(row.cells[6]).toBe("<none>");
  });

  it("LoadBalancer is <pending> until it has an address", () => {
    const pending = servicePrinter.row(
      { metadata: meta("lb"), spec: { type: "LoadBalancer", ports: [] } },
      now,
    );
    expect(pending.cells.slice(2, 5)).toEqual(["<none>", "<pending>", "<none>"]);
    const ready = servicePrinter.row(
      {
        metadata: meta("lb"),
        spec: { type: "LoadBalancer", externalIPs: ["192.0.2.9"] },
        status: { loadBalancer: { ingress: [{ ip: "203.0.113.5" }] } },
      },
      now,
    );
    expect(ready.cells[3]).toBe("203.0.113.5,192.0.2.9");
  });

  it("ExternalName shows the name it aliases and headless services show None", () => {
    const ext = servicePrinter.row(
      { metadata: meta("ext"), spec: { type: "ExternalName", externalName: "db.example.com" } },
      now,
    );
    expect(ext.cells[3]).toBe("db.example.com");
    const headless = servicePrinter.row(
      { metadata: meta("h"), spec: { type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"] } },
      now,
    );
    expect(headless.cells[2]).toBe("None");
  });
});

describe("endpoints rows", () => {
  it("lists up to three ip:port pairs, then how many more", () => {
    expect(endpointsPrinter.columns.map((c) => c.name)).toEqual(["Name", "Endpoints", "Age"]);
    const row = endpointsPrinter.row(
      {
        metadata: meta("dns"),
        subsets: [
          {
            addresses: [{ ip: "10.1.0.20" }, { ip: "10.1.0.21" }],
            ports: [
              { name: "dns", port: 53, protocol: "UDP" },
              { name: "dns-tcp", port: 53, protocol: "TCP" },
              { name: "metrics", port: 9153, protocol: "TCP" },
            ],
          },
        ],
      },
      now,
    );
    expect(row.cells).toEqual(["dns", "10.1.0.20:53,10.1.0.21:53,10.1.0.20:53 + 3 more...", "60m"]);
  });

  it("<none> without subsets, bare addresses without ports", () => {
    expect(endpointsPrinter.row({ metadata: meta("e") }, now).cells[1]).toBe("<none>");
    expect(
      endpointsPrinter.row({ metadata: meta("h"), subsets: [{ addresses: [{ ip: "10.1.0.3" }] }] }, now)
        .cells[1],
    ).toBe("10.1.0.3");
  });
});

import type { Node, Pod } from "@minik8s/api";
import { describe, expect, it } from "vitest";
import { ensureClusterFirewall, removeClusterFirewall } from "../../src/network/cluster-firewall.js";
import type { RunCommand } from "../../src/network/exec-command.js";
import { desiredRoutes } from "../../src/network/host-routes.js";
import { sandboxNetwork } from "../../src/network/node-network.js";
import { formatResolvConf, parseResolvConf, podDnsConfig } from "../../src/network/pod-dns.js";

const host = parseResolvConf(
  "# host\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch corp.example\noptions edns0 ndots:1\n",
);

function pod(spec: Partial<Pod["spec"]> = {}, namespace = "shop"): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace },
    spec: { containers: [{ name: "c", image: "i" }], ...spec },
  } as Pod;
}

describe("pod DNS", () => {
  it("ClusterFirst: the cluster DNS server, the namespace's search path, then the host's, ndots:5", () => {
    expect(podDnsConfig(pod(), { clusterDNS: "10.244.1.1", host })).toEqual({
      nameservers: ["10.244.1.1"],
      searches: ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example"],
      options: ["ndots:5"],
    });
  });

  it("ClusterFirst without a pod network, and hostNetwork pods, fall back to Default (the runtime's host copy)", () => {
    expect(podDnsConfig(pod(), { host })).toBeUndefined();
    expect(podDnsConfig(pod({ hostNetwork: true }), { clusterDNS: "10.244.1.1", host })).toBeUndefined();
    expect(
      podDnsConfig(pod({ hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" }), {
        clusterDNS: "10.244.1.1",
        host,
      })?.nameservers,
    ).toEqual(["10.244.1.1"]);
  });

  it("Default with dnsConfig merges into the host's; None takes only dnsConfig", () => {
    const dnsConfig = {
      nameservers: ["192.0.2.99", "192.0.2.53"],
      searches: ["extra.example"],
      options: [{ name: "ndots", value: "2" }, { name: "single-request" }],
    };
    expect(podDnsConfig(pod({ dnsPolicy: "Default", dnsConfig }), { host })).toEqual({
      nameservers: ["192.0.2.53", "192.0.2.54", "192.0.2.99"],
      searches: ["corp.example", "extra.example"],
      options: ["edns0", "ndots:2", "single-request"],
    });
    expect(podDnsConfig(pod({ dnsPolicy: "None", dnsConfig }), { clusterDNS: "10.244.1.1", host })).toEqual({
      nameservers: ["192.0.2.99", "192.0.2.53"],
      searches: ["extra.example"],
      options: ["ndots:2", "single-request"],
    });
  });

  it("ClusterFirst with dnsConfig: its options override ndots", () => {
    const dns = podDnsConfig(pod({ dnsConfig: { options: [{ name: "ndots", value: "1" }] } }), {
      clusterDNS: "10.244.1.1",
      host,
    });
    expect(dns?.options).toEqual(["ndots:1"]);
  });

  it("reads and writes resolv.conf", () => {
    expect(host).toEqual({
      nameservers: ["192.0.2.53", "192.0.2.54"],
      searches: ["corp.example"],
      options: ["edns0", "ndots:1"],
    });
    expect(
      formatResolvConf({ nameservers: ["10.244.0.1"], searches: ["a.b", "b"], options: ["ndots:5"] }),
    ).toBe("nameserver 10.244.0.1\nsearch a.b b\noptions ndots:5\n");
  });

  it("puts sandboxes on the node's network, hostNetwork pods on the host's", () => {
    const net = { podCIDR: "10.244.1.0/24", network: "minik8s-n1", clusterDNS: "10.244.1.1" };
    expect(sandboxNetwork(pod({ hostNetwork: true }), net, host)).toEqual({ network: "host" });
    const s = sandboxNetwork(pod(), net, host);
    expect(s.network).toBe("minik8s-n1");
    expect(s.dns?.nameservers).toEqual(["10.244.1.1"]);
    expect(sandboxNetwork(pod(), {}, host)).toEqual({});
  });
});

function node(name: string, podCIDR: string | undefined, ip: string): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name },
    spec: podCIDR ? { podCIDR } : {},
    status: { addresses: [{ type: "InternalIP", address: ip }] },
  } as Node;
}

describe("host-gw routes", () => {
  it("routes each other node's pod CIDR via its InternalIP, skipping this host's own addresses", () => {
    const nodes = [
      node("me", "10.244.0.0/24", "192.0.2.2"),
      node("far", "10.244.1.0/24", "192.0.2.3"),
      node("same-host", "10.244.2.0/24", "192.0.2.2"),
      node("no-cidr", undefined, "192.0.2.4"),
    ];
    expect(desiredRoutes(nodes, "me", new Set(["127.0.0.1", "192.0.2.2"]))).toEqual(
      new Map([["10.244.1.0/24", "192.0.2.3"]]),
    );
  });
});

describe("cluster firewall", () => {
  /** A fake iptables: a set of rule lines, answering -C, -I, -A and -D. */
  function fakeIptables(): { run: RunCommand; rules: Set<string> } {
    const rules = new Set<string>();
    const run: RunCommand = async (_file, args) => {
      const table = args[args.indexOf("-t") + 1];
      const opIndex = args.findIndex((a) => ["-C", "-I", "-A", "-D"].includes(a));
      const op = args[opIndex];
      const chain = args[opIndex + 1];
      const spec = args.slice(opIndex + (op === "-I" ? 3 : 2)).join(" ");
      const key = `${table} ${chain} ${spec}`;
      if (op === "-C") return { code: rules.has(key) ? 0 : 1, stdout: "", stderr: "" };
      if (op === "-D") rules.delete(key);
      else rules.add(key);
      return { code: 0, stdout: "", stderr: "" };
    };
    return { run, rules };
  }

  it("adds its rules once, however often it runs, and removes them all", async () => {
    const ipt = fakeIptables();
    expect(await ensureClusterFirewall("10.244.0.0/16", ipt.run)).toBeUndefined();
    expect(await ensureClusterFirewall("10.244.0.0/16", ipt.run)).toBeUndefined();
    expect([...ipt.rules].sort()).toEqual([
      "filter DOCKER-USER -d 10.244.0.0/16 -m comment --comment minik8s pod network -j ACCEPT",
      "filter DOCKER-USER -s 10.244.0.0/16 -m comment --comment minik8s pod network -j ACCEPT",
      "nat POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -m comment --comment minik8s pod network -j MASQUERADE",
    ]);
    expect(await removeClusterFirewall("10.244.0.0/16", ipt.run)).toBeUndefined();
    expect(ipt.rules.size).toBe(0);
  });

  it("says which rule failed when iptables refuses", async () => {
    const run: RunCommand = async (_f, args) =>
      args.includes("-C")
        ? { code: 1, stdout: "", stderr: "" }
        : { code: 4, stdout: "", stderr: "Permission denied" };
    expect((await ensureClusterFirewall("10.244.0.0/16", run))?.message).toMatch(
      /DOCKER-USER.*Permission denied/,
    );
  });
});

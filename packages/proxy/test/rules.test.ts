import { describe, expect, it } from "vitest";
import type { TrackedChanges } from "../src/change-tracker.js";
import { endpointChain, serviceChain } from "../src/iptables/chain-names.js";
import { cleanupIptables, IptablesProxier } from "../src/iptables/iptables-proxier.js";
import { JUMPS, servicePortRules, USERSPACE_JUMPS } from "../src/iptables/rules.js";
import type { ServicePort } from "../src/service-map.js";
import { RecordingIptables } from "./support.js";

function sp(over: Partial<ServicePort> = {}): ServicePort {
  return {
    key: "default/web:http",
    namespace: "default",
    service: "web",
    portName: "http",
    protocol: "TCP",
    clusterIP: "10.96.0.20",
    port: 80,
    nodePort: 0,
    externalIPs: [],
    affinitySeconds: 0,
    endpoints: [
      { ip: "10.244.0.2", port: 8080 },
      { ip: "10.244.0.3", port: 8080 },
      { ip: "10.244.0.4", port: 8080 },
    ],
    ...over,
  };
}

const opts = { clusterCIDR: "10.244.0.0/16" };

describe("chain names", () => {
  it("are stable, short enough for iptables and differ per port, protocol and endpoint", () => {
    const a = serviceChain(sp());
    expect(a).toMatch(/^KUBE-SVC-[A-Z2-7]{16}$/);
    expect(a.length).toBeLessThanOrEqual(28);
    expect(serviceChain(sp())).toBe(a);
    expect(serviceChain(sp({ protocol: "UDP" }))).not.toBe(a);
    expect(serviceChain(sp({ key: "default/web:https" }))).not.toBe(a);
    const e = endpointChain(sp(), { ip: "10.244.0.2", port: 8080 });
    expect(e).toMatch(/^KUBE-SEP-[A-Z2-7]{16}$/);
    expect(endpointChain(sp(), { ip: "10.244.0.3", port: 8080 })).not.toBe(e);
  });
});

describe("servicePortRules", () => {
  it("jumps from KUBE-SERVICES to the service chain, then spreads 1/3, 1/2, rest over endpoints", () => {
    const r = servicePortRules(sp(), opts);
    const svc = serviceChain(sp());
    expect(r.services).toEqual([
      expect.stringMatching(
        new RegExp(`^-A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m tcp --dport 80 .* -j ${svc}$`),
      ),
    ]);
    const rules = r.chains.get(svc) ?? [];
    expect(rules[0]).toMatch(/^-A KUBE-SVC-\S+ ! -s 10.244.0.0\/16 -d 10.96.0.20\/32 .*-j KUBE-MARK-MASQ$/);
    const picks = rules.slice(1);
    expect(picks).toHaveLength(3);
    expect(picks[0]).toContain("-m statistic --mode random --probability 0.3333333333");
    expect(picks[1]).toContain("-m statistic --mode random --probability 0.5000000000");
    expect(picks[2]).not.toContain("statistic");
    const seps = sp().endpoints.map((ep) => endpointChain(sp(), ep));
    expect(picks.map((p) => p.split(" -j ")[1])).toEqual(seps);
    expect(r.chains.get(seps[0] as string)).toEqual([
      expect.stringMatching(/^-A KUBE-SEP-\S+ -s 10.244.0.2\/32 .*-j KUBE-MARK-MASQ$/),
      expect.stringMatching(/-p tcp .*-j DNAT --to-destination 10.244.0.2:8080$/),
    ]);
    expect(r.chains.size).toBe(4);
    expect(r.nodePorts).toEqual([]);
    expect(r.filterServices).toEqual([]);
  });

  it("adds NodePort rules that mark for masquerade then jump to the service chain", () => {
    const r = servicePortRules(sp({ nodePort: 30080 }), opts);
    expect(r.nodePorts).toHaveLength(2);
    expect(r.nodePorts[0]).toMatch(/^-A KUBE-NODEPORTS -p tcp -m tcp --dport 30080 .*-j KUBE-MARK-MASQ$/);
    expect(r.nodePorts[1]).toMatch(new RegExp(`--dport 30080 .*-j ${serviceChain(sp())}$`));
  });

  it("rejects in the filter table when there are no ready endpoints", () => {
    const r = servicePortRules(sp({ endpoints: [], nodePort: 30080 }), opts);
    expect(r.services).toEqual([]);
    expect(r.chains.size).toBe(0);
    expect(r.filterServices[0]).toMatch(
      /^-A KUBE-SERVICES -d 10.96.0.20\/32 -p tcp -m tcp --dport 80 .*-j REJECT/,
    );
    expect(r.filterExternal[0]).toMatch(
      /^-A KUBE-EXTERNAL-SERVICES -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30080 .*-j REJECT/,
    );
  });

  it("honours ClientIP affinity with -m recent in both chains", () => {
    const r = servicePortRules(sp({ affinitySeconds: 600 }), opts);
    const rules = r.chains.get(serviceChain(sp())) ?? [];
    const recent = rules.filter((x) => x.includes("--rcheck --seconds 600 --reap"));
    expect(recent).toHaveLength(3);
    const sep = endpointChain(sp(), { ip: "10.244.0.2", port: 8080 });
    expect(r.chains.get(sep)?.[1]).toContain(
      `-m recent --name ${sep} --mask 255.255.255.255 --rsource --set`,
    );
  });

  it("one endpoint gets no statistic match", () => {
    const r = servicePortRules(sp({ endpoints: [{ ip: "10.244.0.9", port: 80 }] }), opts);
    expect((r.chains.get(serviceChain(sp())) ?? []).join("\n")).not.toContain("statistic");
  });
});

function changes(ports: ServicePort[], changed = ports.map((p) => p.key)): TrackedChanges {
  return { map: new Map(ports.map((p) => [p.key, p])), changed: new Set(changed) };
}

describe("IptablesProxier", () => {
  it("writes everything first, then only the chains an endpoint change touched", async () => {
    const ipt = new RecordingIptables();
    ipt.chains.nat.add("KUBE-SVC-STALESTALESTALE1"); // left by an earlier run
    const p = new IptablesProxier({ iptables: ipt, ...opts });
    const other = sp({ key: "default/db", service: "db", portName: "", clusterIP: "10.96.0.30", port: 5432 });
    await p.sync(changes([sp(), other]));
    expect(ipt.jumps.size).toBe(JUMPS.length);
    const first = ipt.restores[0] ?? "";
    expect(first).toMatch(/^\*nat\n/);
    expect(first).toContain("-X KUBE-SVC-STALESTALESTALE1");
    expect(first).toContain(":KUBE-MARK-MASQ - [0:0]");
    expect(first).toContain("*filter");
    expect(first.indexOf("-j KUBE-NODEPORTS")).toBeGreaterThan(first.lastIndexOf("-A KUBE-SERVICES -d"));

    // One endpoint of web goes away: its SEP chain is deleted, its SVC chain rewritten, db untouched.
    const smaller = sp({ endpoints: sp().endpoints.slice(0, 2) });
    await p.sync(changes([smaller, other], [smaller.key]));
    const second = ipt.restores[1] ?? "";
    expect(second).toContain(`:${serviceChain(sp())} - [0:0]`);
    expect(second).toContain(`-X ${endpointChain(sp(), { ip: "10.244.0.4", port: 8080 })}`);
    expect(second).not.toContain(serviceChain(other));
    expect(second).not.toContain("*filter");
    expect(second).not.toContain("KUBE-SERVICES"); // no ClusterIP moved

    // Nothing changed: nothing written.
    await p.sync(changes([smaller, other], []));
    expect(ipt.restores).toHaveLength(2);

    // The service goes away: its chains go, KUBE-SERVICES is rewritten without it.
    await p.sync({ map: new Map([[other.key, other]]), changed: new Set([smaller.key]) });
    const third = ipt.restores[2] ?? "";
    expect(third).toContain(`-X ${serviceChain(sp())}`);
    expect(third).toContain(":KUBE-SERVICES - [0:0]");

    const removed = await cleanupIptables(ipt);
    expect(removed).toContain(`nat/${serviceChain(other)}`);
    expect(removed).toContain("filter/KUBE-FORWARD");
    expect(removed.some((c) => c.includes("DOCKER"))).toBe(false);
    expect(ipt.jumps.size).toBe(0);
    expect([...ipt.chains.nat, ...ipt.chains.filter].filter((c) => c.startsWith("KUBE-"))).toEqual([]);
    expect(USERSPACE_JUMPS).toHaveLength(2);
  });
});

/**
 * `npm run bench:services` (as root, with Docker): the service proxy's two figures.
 *
 * Data path: three busybox httpd containers on Docker's default bridge stand in for a Service's
 * pods (their Endpoints written by hand, so no kubelet is involved); the proxy runs in this
 * process in iptables mode. A load generator in this process opens CONCURRENCY connections at a
 * time for SECONDS, straight to the pod IPs (round-robin) and to the ClusterIP, ROUNDS times
 * each, alternating which goes first; busybox httpd closes every connection, so each request is a new connection
 * that goes through conntrack and the NAT rules. The figure is the ClusterIP's requests/s over
 * the pod IPs'.
 *
 * Rule sync: 1,000 Services with 2 endpoints each through the API; then, CHANGES times, one
 * Endpoints object gets a new address, and the latency runs from the update being acknowledged
 * to the proxy's iptables-restore having returned (the rule is in the kernel then; the last one
 * is also checked with iptables-save). The proxy's default min-sync-period (1 s, burst 2) is in
 * force; the changes are spaced by 1.1 s so they are not held back by it.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Endpoints, Service } from "@minik8s/api";
import { startApiServer } from "@minik8s/apiserver";
import { Client } from "@minik8s/client";
import {
  cleanupIptables,
  type RunningProxy,
  type SyncInfo,
  SystemIptables,
  startProxy,
} from "@minik8s/proxy";
import { median, percentile, report } from "./lib/report.js";

const exec = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 15);
const RUN = `bench-svc-${process.pid}`;
const BUSYBOX = "minik8s/busybox:1";

function get(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, path: "/", agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on("end", () => resolve());
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

/** Requests/s with CONCURRENCY workers for SECONDS; `target(i)` gives each request's address. */
async function load(target: (i: number) => [string, number]): Promise<{ rps: number; errors: number }> {
  const until = performance.now() + SECONDS * 1000;
  let done = 0;
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const [h, p] = target(next++);
        try {
          await get(h, p);
          done++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { rps: done / ((performance.now() - started) / 1000), errors };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("bench:services programs iptables: run it as root");
  const dataDir = mkdtempSync(join(tmpdir(), "minik8s-bench-svc-"));
  const server = await startApiServer({ dataDir, host: "127.0.0.1", port: 0, logger: false });
  const client = new Client({ server: server.url });
  const syncs: { at: number; info: SyncInfo }[] = [];
  let proxy: RunningProxy | undefined;
  try {
    // ---- the data path ----
    const ips: string[] = [];
    for (const name of ["a", "b", "c"]) {
      const cname = `${RUN}-${name}`;
      await exec("docker", [
        "run",
        "-d",
        "--name",
        cname,
        "--label",
        `minik8s-bench=${RUN}`,
        BUSYBOX,
        "sh",
        "-c",
        `mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p 8080 -h /www`,
      ]);
      ips.push(
        (await exec("docker", ["inspect", "-f", "{{.NetworkSettings.IPAddress}}", cname])).stdout.trim(),
      );
    }
    const web = await client.create<Service>({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: "default" },
      spec: { ports: [{ name: "http", port: 80, targetPort: 8080 }] },
    });
    await client.create<Endpoints>(endpoints("web", ips, 8080));
    proxy = await startProxy({
      client,
      nodeName: RUN,
      mode: "iptables",
      dns: false,
      onSync: (info) => syncs.push({ at: performance.now(), info }),
    });
    await proxy.ready();
    const vip = web.spec.clusterIP as string;
    for (let i = 0; i < 50; i++) await get(vip, 80).catch(() => {});
    const direct: number[] = [];
    const viaVip: number[] = [];
    let errors = 0;
    // Short runs, alternating which path goes first, so the machine's other work falls on both alike.
    for (let round = 0; round < ROUNDS; round++) {
      const toPods = () => load((i) => [ips[i % ips.length] as string, 8080]);
      const toVip = () => load(() => [vip, 80]);
      let d: { rps: number; errors: number };
      let v: { rps: number; errors: number };
      if (round % 2 === 0) {
        d = await toPods();
        v = await toVip();
      } else {
        v = await toVip();
        d = await toPods();
      }
      direct.push(d.rps);
      viaVip.push(v.rps);
      errors += d.errors + v.errors;
      console.log(
        `round ${round + 1}: pod IPs ${d.rps.toFixed(0)} req/s, ClusterIP ${v.rps.toFixed(0)} req/s`,
      );
    }
    const podRps = median(direct);
    const vipRps = median(viaVip);
    const ratio = vipRps / podRps;

    // ---- rule sync with 1,000 services ----
    const created = performance.now();
    const batch = 50;
    for (let i = 0; i < SERVICES; i += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, SERVICES - i) }, async (_, j) => {
          const n = i + j;
          await client.create<Service>({
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: `s${n}`, namespace: "default" },
            spec: { ports: [{ name: "http", port: 80, targetPort: 8080 }] },
          });
          await client.create<Endpoints>(endpoints(`s${n}`, [addr(n, 0), addr(n, 1)], 8080));
        }),
      );
    }
    // Wait until the proxy has programmed them all.
    for (let i = 0; i < 600; i++) {
      if ((syncs.at(-1)?.info.servicePorts ?? 0) >= SERVICES + 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(
      `${SERVICES} services programmed ${((performance.now() - created) / 1000).toFixed(1)} s after the first create`,
    );
    const natRules = (await exec("iptables-save", ["-t", "nat"], { maxBuffer: 1 << 28 })).stdout
      .split("\n")
      .filter((l) => l.startsWith("-A KUBE-")).length;
    await new Promise((r) => setTimeout(r, 1500));
    const latencies: number[] = [];
    const lines: number[] = [];
    const durations: number[] = [];
    let lastIp = "";
    for (let c = 0; c < CHANGES; c++) {
      const n = (c * 61) % SERVICES;
      lastIp = `10.245.${c}.${10 + (c % 200)}`;
      const path = `/api/v1/namespaces/default/endpoints/s${n}`;
      const cur = (await client.request({ method: "GET", path })) as Endpoints;
      const before = syncs.length;
      await client.request({
        method: "PUT",
        path,
        body: { ...endpoints(`s${n}`, [addr(n, 0), lastIp], 8080), metadata: cur.metadata },
      });
      const acked = performance.now();
      let seen: { at: number; info: SyncInfo } | undefined;
      for (let i = 0; i < 500 && !seen; i++) {
        seen = syncs.slice(before).find((s) => s.info.changed > 0);
        if (!seen) await new Promise((r) => setTimeout(r, 5));
      }
      if (!seen) throw new Error(`the change of s${n} was never synced`);
      latencies.push(seen.at - acked);
      console.log(
        `change ${c + 1}: s${n} synced in ${(seen.at - acked).toFixed(0)} ms (${seen.info.restoreLines} lines)`,
      );
      lines.push(seen.info.restoreLines ?? 0);
      durations.push(seen.info.durationMs);
      await new Promise((r) => setTimeout(r, 1100));
    }
    const saved = (await exec("iptables-save", ["-t", "nat"], { maxBuffer: 1 << 28 })).stdout;
    if (!saved.includes(`${lastIp}:8080`)) throw new Error("the last change is not in iptables-save");
    latencies.sort((a, b) => a - b);

    const figures = {
      podIpRps: Math.round(podRps),
      clusterIpRps: Math.round(vipRps),
      ratio: Number(ratio.toFixed(3)),
      requestErrors: errors,
      services: SERVICES,
      natRules,
      syncLatencyP50Ms: Number(percentile(latencies, 50).toFixed(1)),
      syncLatencyMaxMs: Number(latencies[latencies.length - 1]?.toFixed(1)),
      syncDurationP50Ms: Number(median(durations).toFixed(1)),
      restoreLinesP50: median(lines),
      loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(1)),
    };
    report(
      "services",
      `## services (\`npm run bench:services\`)

The service proxy in iptables mode, in this process, with an apiserver in this process too; all
share this machine's cores. Data path: 3 busybox httpd containers on Docker's default bridge
behind one Service (Endpoints written by hand); a Node load generator with ${CONCURRENCY} connections
in flight for ${SECONDS} s per run, one new connection per request (httpd closes each), straight to
the pod IPs round-robin vs to the ClusterIP; median of ${ROUNDS} runs each, alternating. Rule sync: ${SERVICES} Services
with 2 endpoints each (${natRules} nat rules of ours); ${CHANGES} times one Endpoints gets a new
address; latency from the update acknowledged to iptables-restore returned, with the proxy's
default min-sync-period (1 s, burst 2). The host's 1-minute load average at the end of the run:
${figures.loadAverage1m} (the absolute requests/s mostly measure how busy the machine was; the ratio
is the figure).

| figure | result | goal |
| --- | --- | --- |
| requests/s straight to the pod IPs | ${figures.podIpRps} | |
| requests/s through the ClusterIP | ${figures.clusterIpRps} | |
| ClusterIP / pod IP | ${figures.ratio} | ≥ 0.9 |
| rule sync after one Endpoints change, ${SERVICES} services: p50 / max | ${figures.syncLatencyP50Ms} ms / ${figures.syncLatencyMaxMs} ms | < 1000 ms |
| that sync's own time (generate + iptables-restore), p50 | ${figures.syncDurationP50Ms} ms | |
| lines handed to iptables-restore for that change, p50 | ${figures.restoreLinesP50} | |
`,
      figures,
    );
  } finally {
    await proxy?.stop().catch(() => {});
    await cleanupIptables(new SystemIptables()).catch(() => {});
    const ids = (await exec("docker", ["ps", "-aq", "--filter", `label=minik8s-bench=${RUN}`])).stdout
      .split("\n")
      .filter(Boolean);
    if (ids.length) await exec("docker", ["rm", "-f", ...ids]);
    client.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function endpoints(name: string, ips: string[], port: number): Endpoints {
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name, namespace: "default" },
    subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: "http", port }] }],
  };
}

/** A made-up pod address for service n's endpoint k (nothing answers there; only the rules matter). */
function addr(n: number, k: number): string {
  return `10.244.${Math.floor(n / 100)}.${(n % 100) * 2 + k + 10}`;
}

await main();

/**
 * `npm run bench:apiserver`: single-object writes through the REST API with 100 concurrent
 * clients (creates/s, p50/p99 latency), then LIST of 10,000 pods.
 *
 * The apiserver runs as its own process (`minik8s apiserver`, built by `npm run build`) so the
 * load generator does not share its event loop; both share this machine's cores.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiServerProcess } from "./lib/apiserver-process.js";
import { RawHttpConnection } from "./lib/raw-http-client.js";
import { median, percentile, report } from "./lib/report.js";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const WRITE_SECONDS = Number(process.env.BENCH_WRITE_SECONDS ?? 5);
/** The same load first, not counted: the server's code is compiled by the JIT as it runs. */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const LIST_PODS = Number(process.env.BENCH_LIST_PODS ?? 10_000);
const LIST_RUNS = 7;
const PORT = Number(process.env.BENCH_PORT ?? 16_500);

function pod(namespace: string, name: string) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: { app: "bench", shard: String(name.length % 7) } },
    spec: {
      containers: [
        {
          name: "app",
          image: "minik8s/busybox:1",
          command: ["sleep", "3600"],
          resources: { requests: { cpu: "100m", memory: "64Mi" } },
        },
      ],
    },
  };
}

async function createNamespace(server: ApiServerProcess, name: string): Promise<void> {
  const res = await server.request("POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name },
  });
  if (res.status !== 201) throw new Error(`creating namespace ${name}: HTTP ${res.status} ${res.text}`);
}

/** CLIENTS loops creating pods for `seconds`; returns each request's latency. */
async function writeLoad(
  server: ApiServerProcess,
  namespace: string,
  seconds: number,
): Promise<{ latencies: number[]; seconds: number; errors: number }> {
  await createNamespace(server, namespace);
  const template = JSON.stringify(pod(namespace, "NAME"));
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      const connection = new RawHttpConnection("127.0.0.1", server.port);
      try {
        for (let i = 0; performance.now() < until; i++) {
          const t0 = performance.now();
          const status = await connection.post(
            `/api/v1/namespaces/${namespace}/pods`,
            template.replace('"NAME"', `"w-${client}-${i}"`),
          );
          latencies.push(performance.now() - t0);
          if (status !== 201) errors++;
        }
      } finally {
        connection.close();
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000, errors };
}

async function fillPods(server: ApiServerProcess, namespace: string, count: number): Promise<void> {
  await createNamespace(server, namespace);
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < count) {
        const i = next++;
        const res = await server.request(
          "POST",
          `/api/v1/namespaces/${namespace}/pods`,
          pod(namespace, `p-${i}`),
        );
        if (res.status !== 201) throw new Error(`creating pod ${i}: HTTP ${res.status} ${res.text}`);
      }
    }),
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "minik8s-bench-apiserver-"));
  const server = await ApiServerProcess.start({ port: PORT, dataDir, maxSockets: CLIENTS });
  try {
    console.log(`warm-up: ${CLIENTS} concurrent clients creating pods for ${WARMUP_SECONDS} s ...`);
    const warm = await writeLoad(server, "bench-warmup", WARMUP_SECONDS);
    console.log(`  ${Math.round(warm.latencies.length / warm.seconds)}/s while the JIT warms up`);
    console.log(`writes: ${CLIENTS} concurrent clients creating pods for ${WRITE_SECONDS} s ...`);
    const writes = await writeLoad(server, "bench-writes", WRITE_SECONDS);
    const sorted = [...writes.latencies].sort((a, b) => a - b);
    const writesPerSecond = Math.round(writes.latencies.length / writes.seconds);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    console.log(
      `  ${writes.latencies.length} creates in ${writes.seconds.toFixed(1)} s: ${writesPerSecond}/s, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${writes.errors} errors`,
    );

    console.log(`list: creating ${LIST_PODS} pods in one namespace ...`);
    await fillPods(server, "bench-list", LIST_PODS);
    const listTimes: number[] = [];
    for (let i = 0; i < LIST_RUNS; i++) {
      const t0 = performance.now();
      const res = await server.request("GET", "/api/v1/namespaces/bench-list/pods");
      listTimes.push(performance.now() - t0);
      const items = (JSON.parse(res.text) as { items: unknown[] }).items.length;
      if (items !== LIST_PODS) throw new Error(`LIST returned ${items} pods, want ${LIST_PODS}`);
    }
    const listMs = median(listTimes);
    console.log(`  LIST of ${LIST_PODS} pods: median ${listMs.toFixed(1)} ms over ${LIST_RUNS} runs`);

    const markdown = `
## apiserver (\`npm run bench:apiserver\`)

The apiserver as its own process on 127.0.0.1, the load from another; both share this machine's
2 cores. Writes are pod creates (a ~400-byte pod), each acknowledged after its fsync, measured
after ${WARMUP_SECONDS} s of the same load that is not counted (the JIT compiles the server's code
as it runs).

| figure | result | goal |
| --- | --- | --- |
| creates/s, ${CLIENTS} concurrent clients | ${writesPerSecond} | ≥ 5,000 |
| create latency p50 / p99 | ${p50.toFixed(1)} ms / ${p99.toFixed(1)} ms | p99 < 50 ms |
| LIST of ${LIST_PODS} pods (median of ${LIST_RUNS}) | ${listMs.toFixed(1)} ms | < 200 ms |
`;
    report("apiserver", markdown, {
      clients: CLIENTS,
      createsPerSecond: writesPerSecond,
      createP50Ms: Number(p50.toFixed(2)),
      createP99Ms: Number(p99.toFixed(2)),
      writeErrors: writes.errors,
      listPods: LIST_PODS,
      listMedianMs: Number(listMs.toFixed(2)),
    });
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

/**
 * The watchable store under load: `npm run bench:store`.
 *
 * 1. Durable writes per second with 1, 10, 100 and 1,000 concurrent writers, with 256-byte values
 *    as etcd's published benchmark uses (and once more with 1,000 writers and ~1 KB pods). Each
 *    writer creates its own keys, then updates them round-robin; every write is acknowledged only
 *    after its fsync, so the figure measures how well group commit shares one fsync among many.
 * 2. Watch delivery latency with 1,000 watchers on 100 namespace prefixes (10 per namespace, so
 *    each event reaches 10 watchers) while writes arrive at a paced 5,000 per second. Latency runs
 *    from the write call to the watcher's loop receiving the event: commit, fsync and fan-out.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LevelStore, type StoredValue } from "../packages/apiserver/src/storage/index.js";
import { percentile, report } from "./lib/report.js";

const WRITE_SECONDS = 3;
const WRITERS = [1, 10, 100, 1_000];
const KEYS_PER_WRITER = 10;
const NAMESPACES = 100;
const WATCHERS = 1_000;
const PACED_RATE = 5_000;
const PACED_SECONDS = 4;
const SMALL_VALUE_BYTES = 256;
const PADDING = "x".repeat(SMALL_VALUE_BYTES);

type ValueKind = "256 B" | "1 KB pod";
const VALUE_KINDS: ValueKind[] = ["256 B", "1 KB pod"];

/**
 * A value whose JSON is SMALL_VALUE_BYTES long, like the random values of etcd's benchmark. The
 * padding is sized from the lengths of the numbers, not by serializing the value a second time.
 */
function small(generation: number, sentAt?: number): StoredValue {
  // {"generation":N,"data":"…"} and, with sentAt, ,"sentAt":T before "data".
  let bare = 25 + String(generation).length;
  if (sentAt === undefined) return { generation, data: PADDING.slice(0, SMALL_VALUE_BYTES - bare) };
  bare += 10 + String(sentAt).length;
  return { generation, sentAt, data: PADDING.slice(0, SMALL_VALUE_BYTES - bare) };
}

function makeValue(kind: ValueKind, namespace: string, name: string, generation: number): StoredValue {
  return kind === "256 B" ? small(generation) : pod(namespace, name, generation);
}

/** A pod as the apiserver would store it, about 1 KB of JSON. */
function pod(namespace: string, name: string, generation: number): StoredValue {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace,
      uid: `6f1c2a4e-${name.padEnd(4, "0").slice(0, 4)}-4b7d-9c1e-2f3a4b5c6d7e`,
      generation,
      creationTimestamp: "2025-01-01T00:00:00Z",
      labels: { app: "web", tier: "frontend", "pod-template-hash": "7d9c8b6f5" },
      annotations: { "kubernetes.io/change-cause": "kubectl apply --filename=deploy.yaml" },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: "web-7d9c8b6f5",
          uid: "a1b2c3d4",
          controller: true,
        },
      ],
    },
    spec: {
      nodeName: "node-1",
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      containers: [
        {
          name: "web",
          image: "nginx:1.27",
          ports: [{ containerPort: 80, protocol: "TCP" }],
          env: [{ name: "MODE", value: "production" }],
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
          readinessProbe: { httpGet: { path: "/healthz", port: 80 }, periodSeconds: 10 },
        },
      ],
    },
    status: {
      phase: "Running",
      podIP: "10.244.1.17",
      hostIP: "192.168.1.10",
      conditions: [
        { type: "Ready", status: "True", lastTransitionTime: "2025-01-01T00:00:05Z" },
        { type: "ContainersReady", status: "True", lastTransitionTime: "2025-01-01T00:00:05Z" },
      ],
      containerStatuses: [{ name: "web", ready: true, restartCount: 0, image: "nginx:1.27", started: true }],
    },
  };
}

async function withStore<T>(run: (store: LevelStore) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "minik8s-bench-store-"));
  const store = await LevelStore.open(dir);
  try {
    return await run(store);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function durableWrites(writers: number, kind: ValueKind): Promise<number> {
  return withStore(async (store) => {
    let writes = 0;
    const start = performance.now();
    const deadline = start + WRITE_SECONDS * 1000;
    async function writer(id: number): Promise<void> {
      const namespace = `ns-${id % NAMESPACES}`;
      for (let i = 0; performance.now() < deadline; i++) {
        const name = `w${id}-${i % KEYS_PER_WRITER}`;
        const key = `/registry/pods/${namespace}/${name}`;
        const value = makeValue(kind, namespace, name, i);
        if (i < KEYS_PER_WRITER) await store.create(key, value);
        else await store.update(key, value);
        writes++;
      }
    }
    await Promise.all(Array.from({ length: writers }, (_, id) => writer(id)));
    return writes / ((performance.now() - start) / 1000);
  });
}

interface WatchFigures {
  p50: number;
  p99: number;
  max: number;
  deliveries: number;
  expected: number;
  /** Writes issued per second by the pacer. */
  issueRate: number;
  /** Writes acknowledged per second, from the first issued to the last acknowledged. */
  rate: number;
}

async function watchLatency(kind: ValueKind): Promise<WatchFigures> {
  return withStore(async (store) => {
    const latencies: number[] = [];
    const watchers = Array.from({ length: WATCHERS }, (_, i) =>
      store.watch(`/registry/pods/ns-${i % NAMESPACES}/`),
    );
    const reading = watchers.map(async (watch) => {
      for await (const event of watch) latencies.push(performance.now() - (event.value.sentAt as number));
    });

    const total = PACED_RATE * PACED_SECONDS;
    const pending: Promise<unknown>[] = [];
    const start = performance.now();
    let issued = 0;
    while (issued < total) {
      // Issue what is due by now, then sleep a millisecond: a steady rate, not one burst per tick.
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * PACED_RATE));
      for (; issued < due; issued++) {
        const namespace = `ns-${issued % NAMESPACES}`;
        const name = `p${Math.floor(issued / NAMESPACES) % 50}`;
        const value =
          kind === "256 B"
            ? small(issued, performance.now())
            : { ...pod(namespace, name, issued), sentAt: performance.now() };
        const key = `/registry/pods/${namespace}/${name}`;
        pending.push(issued < NAMESPACES * 50 ? store.create(key, value) : store.update(key, value));
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const issueRate = total / ((performance.now() - start) / 1000);
    await Promise.all(pending);
    const rate = total / ((performance.now() - start) / 1000);
    const expected = total * (WATCHERS / NAMESPACES);
    for (let waited = 0; latencies.length < expected && waited < 10_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const watch of watchers) watch.close();
    await Promise.all(reading);
    latencies.sort((a, b) => a - b);
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      deliveries: latencies.length,
      expected,
      issueRate,
      rate,
    };
  });
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const figures: Record<string, number | string> = {};
const rows: string[] = [];
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`;

console.log(`store benchmark on ${machine}`);
const runs: Array<{ writers: number; kind: ValueKind; label: string }> = [
  ...WRITERS.map((writers) => ({ writers, kind: "256 B" as const, label: "" })),
  { writers: 1_000, kind: "1 KB pod", label: "_1kb" },
];
for (const { writers, kind, label } of runs) {
  const rate = await durableWrites(writers, kind);
  const what = `${writers} concurrent writer${writers === 1 ? "" : "s"}, ${kind} values`;
  console.log(`durable writes/s, ${what}: ${round(rate)}`);
  figures[`writes_per_s_${writers}_writers${label}`] = round(rate);
  rows.push(`| Durable writes/s, ${what} | ${round(rate)} |`);
}

for (const kind of VALUE_KINDS) {
  const watch = await watchLatency(kind);
  const label = kind === "256 B" ? "" : "_1kb";
  console.log(
    `watch delivery, ${WATCHERS} watchers on ${NAMESPACES} namespace prefixes (each event reaches ` +
      `${WATCHERS / NAMESPACES} watchers), ${kind} values, paced at ${PACED_RATE}/s (issued ` +
      `${round(watch.issueRate)}/s, acknowledged ${round(watch.rate)}/s): p50 ${round(watch.p50, 2)} ms, ` +
      `p99 ${round(watch.p99, 2)} ms, max ${round(watch.max, 2)} ms (${watch.deliveries} of ` +
      `${watch.expected} deliveries)`,
  );
  figures[`watch_write_rate${label}`] = round(watch.rate);
  figures[`watch_p50_ms${label}`] = round(watch.p50, 2);
  figures[`watch_p99_ms${label}`] = round(watch.p99, 2);
  figures[`watch_max_ms${label}`] = round(watch.max, 2);
  figures[`watch_deliveries${label}`] = watch.deliveries;
  rows.push(
    `| Watch delivery p50 / p99 / max, ${WATCHERS} watchers on ${NAMESPACES} prefixes (10 per event), ` +
      `${kind} values, ${round(watch.rate)} writes/s achieved of ${PACED_RATE} paced | ` +
      `${round(watch.p50, 2)} ms / ${round(watch.p99, 2)} ms / ${round(watch.max, 2)} ms |`,
  );
}
figures.watchers = WATCHERS;
figures.value_bytes = SMALL_VALUE_BYTES;

report(
  "store",
  [
    "## Store (`npm run bench:store`)",
    "",
    `LevelStore on ${machine}. Unless a row says otherwise, values are ${SMALL_VALUE_BYTES}-byte JSON ` +
      "objects, the value size of etcd's published benchmark; the 1 KB rows store pod-like JSON. " +
      "Every write is acknowledged after its fsync (group commit). Watch latency runs from the " +
      "write call to the watcher receiving the event.",
    "",
    "| Measure | Result |",
    "| --- | --- |",
    ...rows,
  ].join("\n"),
  figures,
);

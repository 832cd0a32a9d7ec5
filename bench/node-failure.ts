/**
 * `npm run bench:nodefailure` (as root, with iproute2): how long a node failure takes to heal.
 *
 * Two kubelet processes (simulated runtime) in network namespaces of their own, the control plane
 * in this process (test/support/netns-cluster.ts), a Deployment of REPLICAS pods. Each round sets
 * the veth of the node running most of them down, and times: the node marked Unknown, all replicas
 * ready on the other node; then sets it up and times: the node Ready and untainted, the evicted
 * pods gone. The settings are Kubernetes' defaults divided by ten (grace 4 s instead of 40 s,
 * tolerations 30 s instead of 300 s would be too long to repeat, so 3 s), heartbeats every 1 s.
 */
import { canMakeNetns, NetnsCluster } from "../test/support/netns-cluster.js";
import { median, report } from "./lib/report.js";

const ROUNDS = 5;
const REPLICAS = 4;
const GRACE_MS = 4_000;
const TOLERATION_S = 3;
const HEARTBEAT_MS = 1_000;

if (!canMakeNetns()) {
  console.error("bench:nodefailure needs root and iproute2 (ip netns)");
  process.exit(1);
}

const cluster = new NetnsCluster({
  gracePeriodMs: GRACE_MS,
  tolerationSeconds: TOLERATION_S,
  heartbeatMs: HEARTBEAT_MS,
});
const rounds: Awaited<ReturnType<NetnsCluster["round"]>>[] = [];
try {
  await cluster.start();
  await cluster.deploy(REPLICAS);
  for (let i = 0; i < ROUNDS; i++) {
    const r = await cluster.round(REPLICAS);
    rounds.push(r);
    console.log(
      `round ${i + 1}: ${r.lost} cut; Unknown after ${r.unknownMs} ms, replicas on ${r.kept} after ${r.rescheduledMs} ms; back: Ready after ${r.readyMs} ms, evicted pods gone after ${r.cleanMs} ms`,
    );
  }
} finally {
  await cluster.stop();
}

const med = (key: "unknownMs" | "rescheduledMs" | "readyMs" | "cleanMs") => median(rounds.map((r) => r[key]));
const figures = {
  rounds: ROUNDS,
  gracePeriodMs: GRACE_MS,
  tolerationSeconds: TOLERATION_S,
  heartbeatMs: HEARTBEAT_MS,
  unknownMs: med("unknownMs"),
  rescheduledMs: med("rescheduledMs"),
  readyMs: med("readyMs"),
  cleanMs: med("cleanMs"),
};
report(
  "nodefailure",
  `## nodefailure (\`npm run bench:nodefailure\`)

Two kubelet processes (simulated runtime) in network namespaces of their own, the apiserver,
scheduler and controllers in the bench's process; a Deployment of ${REPLICAS} pods. The node running most
of them has its veth set down, later up again; median of ${ROUNDS} rounds. Grace period ${GRACE_MS / 1000} s,
DefaultTolerationSeconds ${TOLERATION_S} s, kubelet heartbeats (Lease and status) every ${HEARTBEAT_MS / 1000} s.

| step | median |
| --- | --- |
| link down -> node Unknown (grace period) | ${figures.unknownMs} ms |
| link down -> all replicas ready on the other node (grace + toleration) | ${figures.rescheduledMs} ms |
| link up -> node Ready, taints gone | ${figures.readyMs} ms |
| link up -> evicted pods gone (kubelet stopped them) | ${figures.cleanMs} ms |`,
  figures,
);

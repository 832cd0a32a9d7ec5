import { describe, expect, it } from "vitest";
import { type DescribeContext, describeDeployment, describePod } from "../src/describe/describers.js";
import { goTabwriter } from "../src/describe/prefix-writer.js";

const now = new Date("2024-05-01T10:10:00Z");
const ctx = (events: unknown[] | undefined, lists: Record<string, unknown[]> = {}): DescribeContext => ({
  cluster: undefined as never,
  now,
  events: events as never,
  list: async (what) => (lists[String(what)] ?? []) as never,
});

describe("describe layout", () => {
  it("aligns each run of tabbed lines separately, like Go's tabwriter", () => {
    expect(goTabwriter("Name:\tweb\nLongerName:\tx\nIPs:\n  IP:\t1\n", 0, 2)).toBe(
      "Name:        web\nLongerName:  x\nIPs:\n  IP:  1\n",
    );
  });

  it("describes a pod as kubectl does", async () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "web-1",
        namespace: "default",
        uid: "u",
        labels: { app: "web" },
        annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" },
        ownerReferences: [{ kind: "ReplicaSet", name: "web-abc", uid: "r", controller: true }],
      },
      spec: {
        nodeName: "node-1",
        containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80, protocol: "TCP" }] }],
      },
      status: {
        phase: "Running",
        hostIP: "10.0.0.1",
        podIP: "10.244.0.5",
        podIPs: [{ ip: "10.244.0.5" }],
        startTime: "2024-05-01T10:00:00Z",
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: [
          {
            name: "nginx",
            ready: true,
            restartCount: 0,
            containerID: "docker://abc",
            imageID: "sha",
            state: { running: { startedAt: "2024-05-01T10:00:01Z" } },
          },
        ],
      },
    };
    const events = [
      {
        type: "Normal",
        reason: "Scheduled",
        message: "Successfully assigned default/web-1 to node-1",
        source: { component: "default-scheduler" },
        firstTimestamp: "2024-05-01T10:00:00Z",
        lastTimestamp: "2024-05-01T10:00:00Z",
        count: 1,
      },
    ];
    const text = await describePod(pod, ctx(events));
    expect(text).toBe(`Name:         web-1
Namespace:    default
Node:         node-1/10.0.0.1
Start Time:   Wed, 01 May 2024 10:00:00 +0000
Labels:       app=web
Annotations:  <none>
Status:       Running
IP:           10.244.0.5
IPs:
  IP:           10.244.0.5
Controlled By:  ReplicaSet/web-abc
Containers:
  nginx:
    Container ID:   docker://abc
    Image:          nginx
    Image ID:       sha
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Wed, 01 May 2024 10:00:01 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:         <none>
Conditions:
  Type           Status
  Ready          True 
Volumes:         <none>
QoS Class:       BestEffort
Node-Selectors:  <none>
Tolerations:     <none>
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  10m   default-scheduler  Successfully assigned default/web-1 to node-1
`);
  });

  it("describes a deployment with its replica sets", async () => {
    const d = {
      metadata: {
        name: "web",
        namespace: "default",
        uid: "d1",
        creationTimestamp: "2024-05-01T10:00:00Z",
        labels: { app: "web" },
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "nginx", image: "nginx" }] },
        },
      },
      status: {
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 2,
        conditions: [{ type: "Available", status: "True", reason: "MinimumReplicasAvailable" }],
      },
    };
    const rs = {
      metadata: {
        name: "web-abc",
        uid: "r1",
        annotations: { "deployment.kubernetes.io/revision": "1" },
        ownerReferences: [{ uid: "d1", controller: true }],
      },
      spec: { replicas: 2 },
      status: { replicas: 2 },
    };
    const text = await describeDeployment(d, ctx([], { replicasets: [rs] }));
    expect(text).toContain(
      "Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable\n",
    );
    expect(text).toContain(
      "Conditions:\n  Type           Status  Reason\n  ----           ------  ------\n  Available      True    MinimumReplicasAvailable\n",
    );
    expect(text).toContain("NewReplicaSet:   web-abc (2/2 replicas created)\n");
    expect(text.endsWith("Events:          <none>\n")).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { Deployment } from "../src/schemas/apps.js";
import { HorizontalPodAutoscaler, Scale } from "../src/schemas/autoscaling.js";
import { CronJob, Job } from "../src/schemas/batch.js";
import { Lease } from "../src/schemas/coordination.js";
import { Node, Pod, PodList, Service } from "../src/schemas/core.js";
import { DeleteOptions, Status, Table } from "../src/schemas/meta.js";

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "web",
    namespace: "default",
    labels: { app: "web" },
    creationTimestamp: "2024-05-01T10:00:00Z",
  },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: "web" } },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: "25%" } },
    template: {
      metadata: { labels: { app: "web" }, annotations: { "prometheus.io/scrape": "true" } },
      spec: {
        containers: [
          {
            name: "nginx",
            image: "nginx:1.27",
            ports: [{ name: "http", containerPort: 80 }],
            env: [
              { name: "MODE", value: "prod" },
              { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
              {
                name: "CPU_LIMIT",
                valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "1m" } },
              },
              { name: "DB_URL", valueFrom: { configMapKeyRef: { name: "cfg", key: "db" } } },
              {
                name: "PASSWORD",
                valueFrom: { secretKeyRef: { name: "creds", key: "password", optional: true } },
              },
            ],
            envFrom: [{ configMapRef: { name: "cfg" }, prefix: "CFG_" }],
            resources: {
              requests: { cpu: "100m", memory: "128Mi" },
              limits: { cpu: 1, memory: "256Mi", "nvidia.com/gpu": 1 },
            },
            livenessProbe: {
              httpGet: { path: "/healthz", port: "http" },
              initialDelaySeconds: 5,
              periodSeconds: 10,
            },
            readinessProbe: { tcpSocket: { port: 80 }, failureThreshold: 3 },
            startupProbe: { exec: { command: ["cat", "/tmp/ready"] } },
            lifecycle: { preStop: { exec: { command: ["sleep", "5"] } } },
            volumeMounts: [{ name: "data", mountPath: "/data" }],
            securityContext: { runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
          },
        ],
        volumes: [{ name: "data", emptyDir: { sizeLimit: "1Gi" } }],
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: {
                  labelSelector: { matchLabels: { app: "web" } },
                  topologyKey: "kubernetes.io/hostname",
                },
              },
            ],
          },
        },
        tolerations: [{ key: "dedicated", operator: "Equal", value: "web", effect: "NoSchedule" }],
      },
    },
  },
};

describe("schemas", () => {
  it("parse a Deployment with probes, resources and env; numeric quantities become strings", () => {
    const d = Deployment.parse(deployment);
    const c = d.spec.template.spec.containers[0];
    expect(c?.resources?.limits).toEqual({ cpu: "1", memory: "256Mi", "nvidia.com/gpu": "1" });
    expect(c?.livenessProbe?.httpGet?.port).toBe("http");
    expect(d.spec.strategy?.rollingUpdate?.maxSurge).toBe(1);
  });

  it("parse a Service whose targetPort is a port name", () => {
    const svc = Service.parse({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: {
        selector: { app: "web" },
        ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
        type: "NodePort",
      },
    });
    expect(svc.spec.ports?.[0]?.targetPort).toBe("http");
  });

  it("parse a Job and a CronJob", () => {
    const jobSpec = {
      backoffLimit: 4,
      ttlSecondsAfterFinished: 100,
      template: {
        spec: {
          restartPolicy: "Never",
          containers: [{ name: "pi", image: "perl:5.34", command: ["perl", "-e", "1"] }],
        },
      },
    };
    expect(
      Job.parse({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "pi" }, spec: jobSpec }).spec
        .backoffLimit,
    ).toBe(4);
    const cj = CronJob.parse({
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "hello" },
      spec: {
        schedule: "* * * * *",
        timeZone: "Etc/UTC",
        concurrencyPolicy: "Forbid",
        jobTemplate: { spec: jobSpec },
      },
    });
    expect(cj.spec.jobTemplate.spec.template.spec.restartPolicy).toBe("Never");
  });

  it("parse a Lease with MicroTime timestamps", () => {
    const lease = Lease.parse({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "node-1", namespace: "kube-node-lease" },
      spec: {
        holderIdentity: "node-1",
        leaseDurationSeconds: 40,
        renewTime: "2024-05-01T10:00:00.123456Z",
        acquireTime: "2024-05-01T09:00:00.000000Z",
        leaseTransitions: 2,
      },
    });
    expect(lease.spec?.renewTime).toBe("2024-05-01T10:00:00.123456Z");
  });

  it("parse a Node as a real cluster reports it", () => {
    const node = Node.parse({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: "kind-control-plane",
        uid: "7f7a9a39-62c5-4bb3-8d53-9d1bdbf5b3f2",
        resourceVersion: "1234",
        creationTimestamp: "2024-05-01T10:00:00Z",
        labels: { "kubernetes.io/hostname": "kind-control-plane", "kubernetes.io/os": "linux" },
        annotations: { "node.alpha.kubernetes.io/ttl": "0" },
      },
      spec: {
        podCIDR: "10.244.0.0/24",
        podCIDRs: ["10.244.0.0/24"],
        providerID: "kind://docker/kind/kind-control-plane",
        taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }],
      },
      status: {
        addresses: [
          { address: "172.18.0.2", type: "InternalIP" },
          { address: "kind-control-plane", type: "Hostname" },
        ],
        allocatable: {
          cpu: "8",
          "ephemeral-storage": "102626232Ki",
          "hugepages-2Mi": "0",
          memory: "32781388Ki",
          pods: "110",
        },
        capacity: {
          cpu: "8",
          "ephemeral-storage": "102626232Ki",
          "hugepages-2Mi": "0",
          memory: "32781388Ki",
          pods: "110",
        },
        conditions: [
          {
            lastHeartbeatTime: "2024-05-01T10:05:00Z",
            lastTransitionTime: "2024-05-01T10:00:00Z",
            message: "kubelet is posting ready status",
            reason: "KubeletReady",
            status: "True",
            type: "Ready",
          },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        images: [{ names: ["registry.k8s.io/etcd:3.5.15-0"], sizeBytes: 56909194 }],
        nodeInfo: {
          architecture: "amd64",
          bootID: "b0f1",
          containerRuntimeVersion: "containerd://1.7.18",
          kernelVersion: "6.8.0",
          kubeProxyVersion: "v1.32.0",
          kubeletVersion: "v1.32.0",
          machineID: "m1",
          operatingSystem: "linux",
          osImage: "Debian GNU/Linux 12 (bookworm)",
          systemUUID: "u1",
        },
        runtimeHandlers: [
          { features: { recursiveReadOnlyMounts: true, userNamespaces: true }, name: "runc" },
        ],
      },
    });
    expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(10250);
  });

  it("parse an autoscaling/v2 HPA", () => {
    const hpa = HorizontalPodAutoscaler.parse({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
          },
          {
            type: "Pods",
            pods: { metric: { name: "rps" }, target: { type: "AverageValue", averageValue: "1k" } },
          },
        ],
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 300,
            policies: [{ type: "Percent", value: 10, periodSeconds: 60 }],
          },
        },
      },
    });
    expect(hpa.spec.metrics?.[1]?.pods?.target.averageValue).toBe("1k");
  });

  it("parse the body kinds: Scale, Status, DeleteOptions, Table", () => {
    expect(
      Scale.parse({
        apiVersion: "autoscaling/v1",
        kind: "Scale",
        metadata: { name: "web" },
        spec: { replicas: 5 },
      }).spec?.replicas,
    ).toBe(5);
    expect(
      Status.parse({
        apiVersion: "v1",
        kind: "Status",
        status: "Failure",
        reason: "Invalid",
        code: 422,
        details: {
          name: "web",
          kind: "Deployment",
          causes: [{ reason: "FieldValueInvalid", field: "spec.replicas" }],
        },
      }).code,
    ).toBe(422);
    expect(
      DeleteOptions.parse({ propagationPolicy: "Foreground", gracePeriodSeconds: 0 }).propagationPolicy,
    ).toBe("Foreground");
    const table = Table.parse({
      apiVersion: "meta.k8s.io/v1",
      kind: "Table",
      columnDefinitions: [{ name: "Name", type: "string", format: "name", description: "Name", priority: 0 }],
      rows: [{ cells: ["web", 1], object: { kind: "PartialObjectMetadata", metadata: { name: "web" } } }],
    });
    expect(table.rows[0]?.cells).toEqual(["web", 1]);
  });

  it("lists wrap items of their kind", () => {
    const list = PodList.parse({
      apiVersion: "v1",
      kind: "PodList",
      metadata: { resourceVersion: "7" },
      items: [],
    });
    expect(list.metadata?.resourceVersion).toBe("7");
  });

  it("report unknown fields instead of keeping or dropping them", () => {
    const result = Pod.safeParse({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "c", image: "busybox", imagee: "x" }], nodeNamee: "n" },
    });
    expect(result.success).toBe(false);
    const keys = result.error?.issues
      .filter((i) => i.code === "unrecognized_keys")
      .map((i) => [i.path.join("."), i.keys]);
    expect(keys).toEqual(
      expect.arrayContaining([
        ["spec.containers.0", ["imagee"]],
        ["spec", ["nodeNamee"]],
      ]),
    );
  });

  it("refuse timestamps that are not RFC 3339", () => {
    expect(
      Pod.safeParse({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { creationTimestamp: "yesterday" },
        spec: { containers: [] },
      }).success,
    ).toBe(false);
  });
});

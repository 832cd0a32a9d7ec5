import { describe, expect, it } from "vitest";
import { applyDefaults } from "../src/defaults/apply-defaults.js";
import { imageTag } from "../src/defaults/pod.js";
import type { Deployment, ReplicaSet } from "../src/schemas/apps.js";
import type { HorizontalPodAutoscaler } from "../src/schemas/autoscaling.js";
import type { CronJob, Job } from "../src/schemas/batch.js";
import type { Namespace, Node, Pod, PodSpec, Secret, Service } from "../src/schemas/core.js";

const podSpec = (): PodSpec => ({
  containers: [
    {
      name: "web",
      image: "nginx",
      ports: [{ containerPort: 80 }],
      resources: { limits: { cpu: "500m", memory: "128Mi" }, requests: { cpu: "100m" } },
      livenessProbe: { httpGet: { port: 80 } },
      env: [{ name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
    },
    { name: "side", image: "busybox:1.36" },
  ],
  volumes: [{ name: "scratch" }, { name: "cfg", configMap: { name: "cfg" } }],
});

describe("applyDefaults", () => {
  it("defaults a Pod as Kubernetes does", () => {
    const pod: Pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: podSpec() };
    const out = applyDefaults(pod);
    expect(out.spec).toMatchObject({
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      schedulerName: "default-scheduler",
      enableServiceLinks: true,
      securityContext: {},
    });
    const [web, side] = out.spec.containers;
    expect(web).toMatchObject({
      imagePullPolicy: "Always",
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      ports: [{ containerPort: 80, protocol: "TCP" }],
      livenessProbe: {
        httpGet: { port: 80, path: "/", scheme: "HTTP" },
        timeoutSeconds: 1,
        periodSeconds: 10,
        successThreshold: 1,
        failureThreshold: 3,
      },
      // requests are copied from limits only where unset
      resources: { limits: { cpu: "500m", memory: "128Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
      env: [{ name: "NODE", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "spec.nodeName" } } }],
    });
    expect(side).toMatchObject({ imagePullPolicy: "IfNotPresent", resources: {} });
    expect(out.spec.volumes).toEqual([
      { name: "scratch", emptyDir: {} },
      { name: "cfg", configMap: { name: "cfg", defaultMode: 420 } },
    ]);
    // the argument is left alone
    expect(pod.spec.restartPolicy).toBeUndefined();
  });

  it("chooses the pull policy from the tag", () => {
    expect(imageTag("nginx")).toBe("latest");
    expect(imageTag("localhost:5000/app")).toBe("latest");
    expect(imageTag("localhost:5000/app:v2")).toBe("v2");
    expect(imageTag("busybox@sha256:abc")).toBe("");
    const pod = (image: string): Pod => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {},
      spec: { containers: [{ name: "c", image }] },
    });
    expect(applyDefaults(pod("nginx:latest")).spec.containers[0]?.imagePullPolicy).toBe("Always");
    expect(applyDefaults(pod("busybox@sha256:abc")).spec.containers[0]?.imagePullPolicy).toBe("IfNotPresent");
  });

  it("defaults a Service", () => {
    const svc: Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { ports: [{ port: 80 }, { port: 443, targetPort: "https" }] },
    };
    expect(applyDefaults(svc).spec).toEqual({
      type: "ClusterIP",
      sessionAffinity: "None",
      internalTrafficPolicy: "Cluster",
      ports: [
        { port: 80, protocol: "TCP", targetPort: 80 },
        { port: 443, protocol: "TCP", targetPort: "https" },
      ],
    });
    const lb = applyDefaults({
      ...svc,
      spec: { type: "LoadBalancer", sessionAffinity: "ClientIP", ports: [{ port: 80 }] },
    } as Service);
    expect(lb.spec).toMatchObject({
      externalTrafficPolicy: "Cluster",
      allocateLoadBalancerNodePorts: true,
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    });
  });

  it("defaults a Deployment and its template, leaving the selector alone", () => {
    const d: Deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: podSpec() },
      },
    };
    const out = applyDefaults(d);
    expect(out.spec).toMatchObject({
      replicas: 1,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: "web" } },
    });
    expect(out.spec.template.spec.restartPolicy).toBe("Always");
    // templates get pod spec defaults, but neither requests from limits nor service links
    expect(out.spec.template.spec.enableServiceLinks).toBeUndefined();
    expect(out.spec.template.spec.containers[0]?.resources?.requests).toEqual({ cpu: "100m" });
    const recreate = applyDefaults({ ...d, spec: { ...d.spec, strategy: { type: "Recreate" } } });
    expect(recreate.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("defaults a ReplicaSet", () => {
    const rs: ReplicaSet = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "web" },
      spec: { selector: { matchLabels: { app: "web" } }, template: { spec: podSpec() } },
    };
    expect(applyDefaults(rs).spec.replicas).toBe(1);
  });

  it("defaults a Job", () => {
    const job: Job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "pi" },
      spec: {
        template: {
          metadata: { labels: { app: "pi" } },
          spec: { restartPolicy: "Never", containers: [{ name: "c", image: "perl" }] },
        },
      },
    };
    const out = applyDefaults(job);
    expect(out.spec).toMatchObject({
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      completionMode: "NonIndexed",
      suspend: false,
      podReplacementPolicy: "TerminatingOrFailed",
    });
    expect(out.spec.template.spec.restartPolicy).toBe("Never");
    expect(out.metadata.labels).toEqual({ app: "pi" });
    // a work queue: parallelism without completions keeps completions unset
    const queue = applyDefaults({ ...job, spec: { ...job.spec, parallelism: 3 } });
    expect(queue.spec.completions).toBeUndefined();
  });

  it("defaults a CronJob", () => {
    const cj: CronJob = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "c" },
      spec: {
        schedule: "*/5 * * * *",
        jobTemplate: {
          spec: {
            template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "c", image: "x" }] } },
          },
        },
      },
    };
    const out = applyDefaults(cj);
    expect(out.spec).toMatchObject({
      concurrencyPolicy: "Allow",
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    expect(out.spec.jobTemplate.spec.template.spec.dnsPolicy).toBe("ClusterFirst");
    expect(out.spec.jobTemplate.spec.backoffLimit).toBeUndefined();
  });

  it("defaults a Namespace", () => {
    const ns: Namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } };
    expect(applyDefaults(ns)).toMatchObject({
      metadata: { labels: { "kubernetes.io/metadata.name": "team-a" } },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    });
    const emptied = applyDefaults({ ...ns, spec: { finalizers: [] } });
    expect(emptied.spec?.finalizers).toEqual([]);
  });

  it("defaults a Secret and folds stringData into data", () => {
    const s: Secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      data: { a: "YQ==" },
      stringData: { b: "hi" },
    };
    expect(applyDefaults(s)).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      type: "Opaque",
      data: { a: "YQ==", b: "aGk=" },
    });
  });

  it("defaults a Node's allocatable to its capacity", () => {
    const node: Node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n" },
      status: { capacity: { cpu: "4" } },
    };
    expect(applyDefaults(node).status?.allocatable).toEqual({ cpu: "4" });
  });

  it("defaults an HPA", () => {
    const hpa: HorizontalPodAutoscaler = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "h" },
      spec: {
        scaleTargetRef: { kind: "Deployment", name: "web" },
        maxReplicas: 5,
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      },
    };
    const out = applyDefaults(hpa);
    expect(out.spec.minReplicas).toBe(1);
    expect(out.spec.metrics).toEqual([
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
      },
    ]);
    expect(out.spec.behavior?.scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [
        { type: "Pods", value: 4, periodSeconds: 15 },
        { type: "Percent", value: 100, periodSeconds: 15 },
      ],
    });
    expect(out.spec.behavior?.scaleDown).toEqual({
      stabilizationWindowSeconds: 60,
      selectPolicy: "Max",
      policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
    });
  });

  it("copies kinds without defaults unchanged", () => {
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "b" } };
    const out = applyDefaults(cm);
    expect(out).toEqual(cm);
    expect(out).not.toBe(cm);
  });
});

import type { Container, Pod, PodSpec, PodTemplateSpec, Probe, Volume } from "../schemas/core.js";

const DEFAULT_FILE_MODE = 0o644;

/** The tag of an image reference; "latest" when it has neither tag nor digest, as Kubernetes parses it. */
export function imageTag(image: string): string {
  const [name = "", digest] = image.split("@");
  const lastSlash = name.lastIndexOf("/");
  const colon = name.indexOf(":", lastSlash + 1);
  const tag = colon >= 0 ? name.slice(colon + 1) : "";
  return tag === "" && digest === undefined ? "latest" : tag;
}

/** `latest` (or no tag) is pulled every time; a fixed tag or digest only when missing. */
export function defaultPullPolicy(image: string | undefined): "Always" | "IfNotPresent" {
  return imageTag(image ?? "") === "latest" ? "Always" : "IfNotPresent";
}

function defaultProbe(probe: Probe | undefined): void {
  if (!probe) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (probe.httpGet) {
    probe.httpGet.path ??= "/";
    probe.httpGet.scheme ??= "HTTP";
  }
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= "/dev/termination-log";
  c.terminationMessagePolicy ??= "File";
  // Go always serializes the (non-pointer) resources struct, so Kubernetes shows `resources: {}`.
  c.resources ??= {};
  for (const port of c.ports ?? []) port.protocol ??= "TCP";
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  for (const handler of [c.lifecycle?.postStart, c.lifecycle?.preStop]) {
    if (handler?.httpGet) {
      handler.httpGet.path ??= "/";
      handler.httpGet.scheme ??= "HTTP";
    }
  }
  for (const env of c.env ?? []) {
    if (env.valueFrom?.fieldRef) env.valueFrom.fieldRef.apiVersion ??= "v1";
  }
}

function defaultVolume(v: Volume): void {
  const sources = [
    "hostPath",
    "emptyDir",
    "configMap",
    "secret",
    "persistentVolumeClaim",
    "projected",
    "downwardAPI",
    "nfs",
    "csi",
  ];
  if (!sources.some((s) => v[s as keyof Volume] !== undefined)) v.emptyDir = {};
  if (v.hostPath) v.hostPath.type ??= "";
  if (v.configMap) v.configMap.defaultMode ??= DEFAULT_FILE_MODE;
  if (v.secret) v.secret.defaultMode ??= DEFAULT_FILE_MODE;
  if (v.projected) v.projected.defaultMode ??= DEFAULT_FILE_MODE;
  if (v.downwardAPI) v.downwardAPI.defaultMode ??= DEFAULT_FILE_MODE;
}

/** `SetDefaults_PodSpec` and what it reaches: every pod spec, in pods and in templates alike. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ??= "ClusterFirst";
  spec.restartPolicy ??= "Always";
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= "default-scheduler";
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
  if (spec.hostNetwork) {
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      for (const port of c.ports ?? []) port.hostPort ??= port.containerPort;
    }
  }
}

export function defaultPodTemplate(template: PodTemplateSpec): void {
  defaultPodSpec(template.spec);
}

/**
 * `SetDefaults_Pod`: the pod spec defaults, plus what only a Pod gets and never a template:
 * requests copied from limits where unset, and service links on.
 */
export function defaultPod(pod: Pod): void {
  defaultPodSpec(pod.spec);
  pod.spec.enableServiceLinks ??= true;
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    const limits = c.resources?.limits;
    if (!limits || !c.resources) continue;
    c.resources.requests ??= {};
    const requests = c.resources.requests;
    for (const [name, value] of Object.entries(limits)) requests[name] ??= value;
  }
}

import { deepEqual } from "../deep-equal.js";
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSSubdomain,
} from "../names.js";
import type { Affinity, Pod, PodSpec, PodTemplateSpec, Toleration, Volume } from "../schemas/core.js";
import { validateContainers } from "./container.js";
import { duplicate, type FieldError, forbidden, invalid, notSupported, required } from "./field-error.js";
import { child, index } from "./field-path.js";
import { inclusiveRange, NOT_POSITIVE } from "./numbers.js";
import {
  validateAnnotations,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "./object-meta.js";
import { validateLabelSelector } from "./selector.js";

const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
const DNS_POLICIES = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];
const VOLUME_SOURCES = [
  "emptyDir",
  "hostPath",
  "configMap",
  "secret",
  "persistentVolumeClaim",
  "projected",
  "downwardAPI",
  "nfs",
  "csi",
] as const;
const FILE_MODE_MESSAGE = "must be a number between 0 and 0777 (octal), both inclusive";
const MAX_INT32 = 2147483647;

function fileMode(mode: number | undefined, field: string): FieldError[] {
  return mode !== undefined && (mode < 0 || mode > 0o777) ? [invalid(field, mode, FILE_MODE_MESSAGE)] : [];
}

function validateVolume(v: Volume, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined);
  if (sources.length === 0) errs.push(required(field, "must specify a volume type"));
  for (const extra of sources.slice(1))
    errs.push(forbidden(child(field, extra), "may not specify more than 1 volume type"));
  if (v.hostPath && !v.hostPath.path) errs.push(required(child(field, "hostPath", "path")));
  if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) {
    errs.push(required(child(field, "persistentVolumeClaim", "claimName")));
  }
  if (v.secret) {
    if (!v.secret.secretName) errs.push(required(child(field, "secret", "secretName")));
    errs.push(...fileMode(v.secret.defaultMode, child(field, "secret", "defaultMode")));
  }
  if (v.configMap) {
    if (!v.configMap.name) errs.push(required(child(field, "configMap", "name")));
    errs.push(...fileMode(v.configMap.defaultMode, child(field, "configMap", "defaultMode")));
  }
  return errs;
}

function validateVolumes(volumes: Volume[], field: string): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const p = index(field, i);
    if (!v.name) errs.push(required(child(p, "name")));
    else {
      for (const msg of isDNS1123Label(v.name)) errs.push(invalid(child(p, "name"), v.name, msg));
      if (names.has(v.name)) errs.push(duplicate(child(p, "name"), v.name));
      names.add(v.name);
    }
    errs.push(...validateVolume(v, p));
  });
  return { errs, names };
}

function validateTolerations(tolerations: Toleration[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const p = index(field, i);
    if (t.key) for (const msg of isQualifiedName(t.key)) errs.push(invalid(child(p, "key"), t.key, msg));
    if (!t.key && t.operator !== "Exists") {
      errs.push(
        invalid(
          child(p, "operator"),
          t.operator ?? "",
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
      errs.push(
        invalid(
          child(p, "effect"),
          t.effect ?? "",
          "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ),
      );
    }
    if (t.operator === "Exists" && t.value) {
      errs.push(invalid(child(p, "operator"), t, "value must be empty when `operator` is 'Exists'"));
    } else if (t.operator !== "Exists" && t.value) {
      for (const msg of isValidLabelValue(t.value)) errs.push(invalid(child(p, "operator"), t.value, msg));
    }
  });
  return errs;
}

function validateWeight(weight: number, field: string): FieldError[] {
  return weight < 1 || weight > 100 ? [invalid(field, weight, "must be in the range 1-100")] : [];
}

function validateAffinity(affinity: Affinity | undefined, field: string): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const node = affinity.nodeAffinity;
  const req = node?.requiredDuringSchedulingIgnoredDuringExecution;
  if (req && req.nodeSelectorTerms.length === 0) {
    errs.push(
      required(
        child(field, "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"),
        "must have at least one node selector term",
      ),
    );
  }
  (node?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
    const p = index(child(field, "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution"), i);
    errs.push(...validateWeight(t.weight, child(p, "weight")));
  });
  for (const kind of ["podAffinity", "podAntiAffinity"] as const) {
    const rules = affinity[kind];
    if (!rules) continue;
    (rules.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term, i) => {
      const p = index(child(field, kind, "requiredDuringSchedulingIgnoredDuringExecution"), i);
      if (!term.topologyKey) errs.push(required(child(p, "topologyKey"), "can not be empty"));
      errs.push(...validateLabelSelector(term.labelSelector, child(p, "labelSelector")));
    });
    (rules.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((w, i) => {
      const p = index(child(field, kind, "preferredDuringSchedulingIgnoredDuringExecution"), i);
      errs.push(...validateWeight(w.weight, child(p, "weight")));
      if (!w.podAffinityTerm.topologyKey) {
        errs.push(required(child(p, "podAffinityTerm", "topologyKey"), "can not be empty"));
      }
    });
  }
  return errs;
}

/**
 * `ValidatePodSpec`. Fields that defaulting fills (restartPolicy, dnsPolicy, imagePullPolicy...)
 * are checked only when present, so an object can be validated before or after defaulting.
 */
export function validatePodSpec(spec: PodSpec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const volumes = validateVolumes(spec.volumes ?? [], child(field, "volumes"));
  errs.push(...volumes.errs);
  const names = new Set<string>();
  if (!spec.containers || spec.containers.length === 0) errs.push(required(child(field, "containers")));
  errs.push(
    ...validateContainers(spec.initContainers ?? [], child(field, "initContainers"), {
      volumes: volumes.names,
      names,
      init: true,
    }),
  );
  errs.push(
    ...validateContainers(spec.containers ?? [], child(field, "containers"), {
      volumes: volumes.names,
      names,
      init: false,
    }),
  );
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(spec.restartPolicy)) {
    errs.push(notSupported(child(field, "restartPolicy"), spec.restartPolicy, RESTART_POLICIES));
  }
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy)) {
    errs.push(notSupported(child(field, "dnsPolicy"), spec.dnsPolicy, DNS_POLICIES));
  }
  if (spec.dnsPolicy === "None" && !spec.dnsConfig) {
    errs.push(required(child(field, "dnsConfig"), "must provide `dnsConfig` when `dnsPolicy` is None"));
  }
  errs.push(...validateLabels(spec.nodeSelector, child(field, "nodeSelector")));
  for (const f of ["serviceAccountName", "nodeName"] as const) {
    const v = spec[f];
    if (v) for (const msg of isDNS1123Subdomain(v)) errs.push(invalid(child(field, f), v, msg));
  }
  for (const f of ["hostname", "subdomain"] as const) {
    const v = spec[f];
    if (v) for (const msg of isDNS1123Label(v)) errs.push(invalid(child(field, f), v, msg));
  }
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32)) {
    errs.push(invalid(child(field, "activeDeadlineSeconds"), ads, inclusiveRange(1, MAX_INT32)));
  }
  errs.push(...validateTolerations(spec.tolerations ?? [], child(field, "tolerations")));
  errs.push(...validateAffinity(spec.affinity, child(field, "affinity")));
  (spec.topologySpreadConstraints ?? []).forEach((c, i) => {
    const p = index(child(field, "topologySpreadConstraints"), i);
    if (c.maxSkew <= 0) errs.push(invalid(child(p, "maxSkew"), c.maxSkew, NOT_POSITIVE));
    if (!c.topologyKey) errs.push(required(child(p, "topologyKey"), "can not be empty"));
  });
  return errs;
}

export function validatePod(pod: Pod): FieldError[] {
  return [
    ...validateObjectMeta(pod.metadata, { namespaced: true, name: nameIsDNSSubdomain }),
    ...validatePodSpec(pod.spec, "spec"),
  ];
}

/**
 * `ValidatePodTemplateSpec`. Labels and annotations are reported at `<template>.labels`, not
 * `<template>.metadata.labels`: Kubernetes' own paths, kept so messages match.
 */
export function validatePodTemplateSpec(template: PodTemplateSpec, field: string): FieldError[] {
  return [
    ...validateLabels(template.metadata?.labels, child(field, "labels")),
    ...validateAnnotations(template.metadata?.annotations, child(field, "annotations")),
    ...validatePodSpec(template.spec, child(field, "spec")),
  ];
}

const POD_UPDATE_MESSAGE =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`," +
  "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations)," +
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/** `ValidatePodUpdate`: a pod's spec is fixed but for images, the deadline and added tolerations. */
export function validatePodUpdate(newPod: Pod, oldPod: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(newPod.metadata, oldPod.metadata);
  const n = newPod.spec;
  const o = oldPod.spec;
  const oldAds = o.activeDeadlineSeconds;
  const newAds = n.activeDeadlineSeconds;
  if (oldAds !== undefined && newAds === undefined) {
    errs.push(
      invalid("spec.activeDeadlineSeconds", null, "must not update from a positive integer to nil value"),
    );
  } else if (oldAds !== undefined && newAds !== undefined && newAds > oldAds) {
    errs.push(invalid("spec.activeDeadlineSeconds", newAds, "must be less than or equal to previous value"));
  }
  const oldTolerations = o.tolerations ?? [];
  const newTolerations = n.tolerations ?? [];
  const onlyAdded = oldTolerations.every((t) => newTolerations.some((u) => deepEqual(t, u)));
  // Compare the rest of the spec with the mutable fields taken from the new pod.
  const mutated: PodSpec = {
    ...o,
    containers: o.containers.map((c, i) => ({ ...c, image: n.containers[i]?.image ?? c.image })),
    ...(o.initContainers
      ? {
          initContainers: o.initContainers.map((c, i) => ({
            ...c,
            image: n.initContainers?.[i]?.image ?? c.image,
          })),
        }
      : {}),
    activeDeadlineSeconds: newAds,
    tolerations: onlyAdded ? n.tolerations : o.tolerations,
  };
  if (!deepEqual(mutated, n)) errs.push(forbidden("spec", POD_UPDATE_MESSAGE));
  return errs;
}

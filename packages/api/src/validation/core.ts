import { isIP } from "node:net";
import { deepEqual } from "../deep-equal.js";
import {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from "../names.js";
import type { Binding, ConfigMap, Endpoints, Event, Namespace, Node, Secret } from "../schemas/core.js";
import {
  duplicate,
  type FieldError,
  forbidden,
  invalid,
  notSupported,
  required,
  tooLong,
} from "./field-error.js";
import { child, index, key } from "./field-path.js";
import { portNumberErrors } from "./numbers.js";
import {
  immutable,
  validateFinalizerName,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "./object-meta.js";

const MAX_SECRET_SIZE = 1024 * 1024;
const IMMUTABLE_WHEN_SET = "field is immutable when `immutable` is set";

export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, name: nameIsDNSLabel });
  for (const f of ns.spec?.finalizers ?? []) errs.push(...validateFinalizerName(f, "spec.finalizers"));
  return errs;
}

export function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, { namespaced: false, name: nameIsDNSSubdomain });
  const seen = new Set<string>();
  (node.spec?.taints ?? []).forEach((t, i) => {
    const p = index("spec.taints", i);
    for (const msg of isQualifiedName(t.key)) errs.push(invalid(child(p, "key"), t.key, msg));
    if (t.value)
      for (const msg of isValidLabelValue(t.value)) errs.push(invalid(child(p, "value"), t.value, msg));
    const k = `${t.key}:${t.effect}`;
    if (seen.has(k)) errs.push(duplicate(child(p, "effect"), t.effect));
    seen.add(k);
  });
  return errs;
}

/** A node's pod CIDRs and provider ID may be set once, never changed. */
export function validateNodeUpdate(n: Node, o: Node): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  const oldCIDRs = o.spec?.podCIDRs ?? [];
  if (oldCIDRs.length > 0 && !deepEqual(n.spec?.podCIDRs ?? [], oldCIDRs)) {
    errs.push(forbidden("spec.podCIDRs", 'node updates may not change podCIDR except from "" to valid'));
  }
  if (o.spec?.providerID && n.spec?.providerID !== o.spec.providerID) {
    errs.push(forbidden("spec.providerID", 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

function validateDataKeys(
  data: Record<string, string> | undefined,
  other: Record<string, string> | undefined,
  field: string,
  otherName: string,
): { errs: FieldError[]; size: number } {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(data ?? {})) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(key(field, k), k, msg));
    if (other && Object.hasOwn(other, k)) {
      errs.push(invalid(key(field, k), k, `duplicate of key present in ${otherName}`));
    }
    size += v.length;
  }
  return { errs, size };
}

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const data = validateDataKeys(cm.data, cm.binaryData, "data", "binaryData");
  const binary = validateDataKeys(cm.binaryData, undefined, "binaryData", "data");
  errs.push(...data.errs, ...binary.errs);
  const size =
    data.size + Object.values(cm.binaryData ?? {}).reduce((n, v) => n + Buffer.from(v, "base64").length, 0);
  if (size > MAX_SECRET_SIZE) errs.push(tooLong("data", "", MAX_SECRET_SIZE));
  return errs;
}

function immutableContent(
  n: { immutable?: boolean | undefined },
  o: { immutable?: boolean | undefined },
  fields: [string, unknown, unknown][],
): FieldError[] {
  if (!o.immutable) return [];
  const errs: FieldError[] = [];
  if (!n.immutable) errs.push(forbidden("immutable", IMMUTABLE_WHEN_SET));
  for (const [name, a, b] of fields) if (!deepEqual(a, b)) errs.push(forbidden(name, IMMUTABLE_WHEN_SET));
  return errs;
}

export function validateConfigMapUpdate(n: ConfigMap, o: ConfigMap): FieldError[] {
  return [
    ...validateObjectMetaUpdate(n.metadata, o.metadata),
    ...immutableContent(n, o, [
      ["data", n.data, o.data],
      ["binaryData", n.binaryData, o.binaryData],
    ]),
  ];
}

// The keys each well-known Secret type must carry.
const SECRET_TYPE_KEYS: Record<string, string[]> = {
  "kubernetes.io/dockercfg": [".dockercfg"],
  "kubernetes.io/dockerconfigjson": [".dockerconfigjson"],
  "kubernetes.io/ssh-auth": ["ssh-privatekey"],
  "kubernetes.io/tls": ["tls.crt", "tls.key"],
};

export function validateSecret(secret: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const data = secret.data ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(key("data", k), k, msg));
    size += Buffer.from(v, "base64").length;
  }
  if (size > MAX_SECRET_SIZE) errs.push(tooLong("data", "", MAX_SECRET_SIZE));
  const type = secret.type ?? "Opaque";
  for (const k of SECRET_TYPE_KEYS[type] ?? [])
    if (!Object.hasOwn(data, k)) errs.push(required(key("data", k)));
  if (
    type === "kubernetes.io/basic-auth" &&
    !Object.hasOwn(data, "username") &&
    !Object.hasOwn(data, "password")
  ) {
    errs.push(required(key("data", "username")), required(key("data", "password")));
  }
  if (
    type === "kubernetes.io/service-account-token" &&
    !secret.metadata.annotations?.["kubernetes.io/service-account.name"]
  ) {
    errs.push(required(key("metadata.annotations", "kubernetes.io/service-account.name")));
  }
  return errs;
}

export function validateSecretUpdate(n: Secret, o: Secret): FieldError[] {
  return [
    ...validateObjectMetaUpdate(n.metadata, o.metadata),
    ...immutable(n.type ?? "Opaque", o.type ?? "Opaque", "type"),
    ...immutableContent(n, o, [["data", n.data, o.data]]),
  ];
}

const PROTOCOLS = ["SCTP", "TCP", "UDP"];

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = index("subsets", i);
    if (!(ss.addresses ?? []).length && !(ss.notReadyAddresses ?? []).length) {
      errs.push(required(p, "must specify `addresses` or `notReadyAddresses`"));
    }
    for (const list of ["addresses", "notReadyAddresses"] as const) {
      (ss[list] ?? []).forEach((a, j) => {
        const ap = index(child(p, list), j);
        if (isIP(a.ip) === 0) errs.push(invalid(child(ap, "ip"), a.ip, "must be a valid IP address"));
        if (a.hostname)
          for (const msg of isDNS1123Label(a.hostname))
            errs.push(invalid(child(ap, "hostname"), a.hostname, msg));
        if (a.nodeName) {
          for (const msg of isDNS1123Subdomain(a.nodeName))
            errs.push(invalid(child(ap, "nodeName"), a.nodeName, msg));
        }
      });
    }
    const ports = ss.ports ?? [];
    if (ports.length === 0) errs.push(required(child(p, "ports")));
    ports.forEach((port, j) => {
      const pp = index(child(p, "ports"), j);
      if (ports.length > 1 && !port.name) errs.push(required(child(pp, "name")));
      else if (port.name)
        for (const msg of isDNS1123Label(port.name)) errs.push(invalid(child(pp, "name"), port.name, msg));
      for (const msg of portNumberErrors(port.port)) errs.push(invalid(child(pp, "port"), port.port, msg));
      if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) {
        errs.push(notSupported(child(pp, "protocol"), port.protocol, PROTOCOLS));
      }
    });
  });
  return errs;
}

export function validateEvent(ev: Event): FieldError[] {
  const errs = validateObjectMeta(ev.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const ns = ev.involvedObject.namespace;
  if (ns && ns !== ev.metadata.namespace) {
    errs.push(invalid("involvedObject.namespace", ns, "does not match event.namespace"));
  }
  return errs;
}

/** The body of `pods/binding`: a Node to run the pod on. */
export function validateBinding(b: Binding): FieldError[] {
  const errs: FieldError[] = [];
  if (b.target.kind && b.target.kind !== "Node")
    errs.push(notSupported("target.kind", b.target.kind, ["Node", "<empty>"]));
  if (!b.target.name) errs.push(required("target.name"));
  return errs;
}

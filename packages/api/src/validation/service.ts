import { isIP } from "node:net";
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNS1035Label } from "../names.js";
import type { Service } from "../schemas/core.js";
import { validatePortNumOrName } from "./container.js";
import { duplicate, type FieldError, forbidden, invalid, notSupported, required } from "./field-error.js";
import { child, index } from "./field-path.js";
import { portNumberErrors } from "./numbers.js";
import { immutable, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";

const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const SESSION_AFFINITIES = ["ClientIP", "None"];
const IP_MESSAGE = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

/** `ValidateService`, for the fields we serve. Service names are DNS-1035 labels. */
export function validateService(svc: Service): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, name: nameIsDNS1035Label });
  const spec = svc.spec;
  const ports = spec.ports ?? [];
  const headless = spec.clusterIP === "None";
  const type = spec.type ?? "ClusterIP";
  if (ports.length === 0 && !headless && type !== "ExternalName") errs.push(required("spec.ports"));
  if (type === "ExternalName") {
    if ((spec.clusterIPs ?? []).length > 0) {
      errs.push(forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
    }
    const cname = (spec.externalName ?? "").replace(/\.$/, "");
    if (!cname) errs.push(required("spec.externalName"));
    else for (const msg of isDNS1123Subdomain(cname)) errs.push(invalid("spec.externalName", cname, msg));
  }
  if (spec.clusterIP && spec.clusterIP !== "None" && isIP(spec.clusterIP) === 0) {
    errs.push(invalid("spec.clusterIP", spec.clusterIP, IP_MESSAGE));
  }
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((port, i) => {
    const p = index("spec.ports", i);
    if (ports.length > 1 && !port.name) errs.push(required(child(p, "name")));
    else if (port.name) {
      for (const msg of isDNS1123Label(port.name)) errs.push(invalid(child(p, "name"), port.name, msg));
      if (names.has(port.name)) errs.push(duplicate(child(p, "name"), port.name));
      names.add(port.name);
    }
    for (const msg of portNumberErrors(port.port)) errs.push(invalid(child(p, "port"), port.port, msg));
    if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) {
      errs.push(notSupported(child(p, "protocol"), port.protocol, PROTOCOLS));
    }
    if (port.targetPort !== undefined && port.targetPort !== 0 && port.targetPort !== "") {
      errs.push(...validatePortNumOrName(port.targetPort, child(p, "targetPort")));
    }
    if (type === "ClusterIP" && port.nodePort) {
      errs.push(forbidden(child(p, "nodePort"), "may not be used when `type` is 'ClusterIP'"));
    }
    const key = `${port.protocol ?? "TCP"}/${port.port}`;
    if (seen.has(key)) errs.push(duplicate(p, { port: port.port, protocol: port.protocol ?? "TCP" }));
    seen.add(key);
  });
  errs.push(...validateLabels(spec.selector, "spec.selector"));
  if (spec.sessionAffinity !== undefined && !SESSION_AFFINITIES.includes(spec.sessionAffinity)) {
    errs.push(notSupported("spec.sessionAffinity", spec.sessionAffinity, SESSION_AFFINITIES));
  }
  if (spec.type !== undefined && !SERVICE_TYPES.includes(spec.type)) {
    errs.push(notSupported("spec.type", spec.type, SERVICE_TYPES));
  }
  return errs;
}

/** Once allocated, a Service's cluster IP stays; an update that omits it keeps the stored one. */
export function validateServiceUpdate(n: Service, o: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  if (o.spec.clusterIP && n.spec.clusterIP !== undefined && n.spec.type !== "ExternalName") {
    errs.push(...immutable(n.spec.clusterIP, o.spec.clusterIP, "spec.clusterIP"));
  }
  return errs;
}

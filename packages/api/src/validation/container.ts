import { isDNS1123Label, isValidPortName } from "../names.js";
import type { Container, EnvFromSource, EnvVar, Probe, VolumeMount } from "../schemas/core.js";
import type { IntOrString } from "../schemas/primitives.js";
import {
  duplicate,
  type FieldError,
  forbidden,
  invalid,
  notFound,
  notSupported,
  required,
} from "./field-error.js";
import { child, index } from "./field-path.js";
import { nonNegative, portNumberErrors } from "./numbers.js";
import { validateResources } from "./resources.js";

const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];
const TERMINATION_MESSAGE_POLICIES = ["FallbackToLogsOnError", "File"];
const ENV_FIELD_PATHS = [
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.serviceAccountName",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
];
const ENV_FIELD_PATH_PREFIXES = ["metadata.labels", "metadata.annotations"];

// Kubernetes 1.30+ (RelaxedEnvironmentVariableValidation): any printable ASCII but "=".
const ENV_NAME_MESSAGE =
  "a valid environment variable name must consist only of printable ASCII characters other than '='";

function envNameErrors(name: string): string[] {
  return /^[\x20-\x3c\x3e-\x7e]+$/.test(name) ? [] : [ENV_NAME_MESSAGE];
}

/** `validatePortNumOrName`: a number in range, or a valid port name. */
export function validatePortNumOrName(port: IntOrString, field: string): FieldError[] {
  const msgs = typeof port === "number" ? portNumberErrors(port) : isValidPortName(port);
  return msgs.map((msg) => invalid(field, port, msg));
}

function validatePorts(container: Container, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (container.ports ?? []).forEach((port, i) => {
    const p = index(field, i);
    if (port.name) {
      for (const msg of isValidPortName(port.name)) errs.push(invalid(child(p, "name"), port.name, msg));
      if (names.has(port.name)) errs.push(duplicate(child(p, "name"), port.name));
      names.add(port.name);
    }
    if (port.containerPort === 0) errs.push(required(child(p, "containerPort")));
    else {
      for (const msg of portNumberErrors(port.containerPort)) {
        errs.push(invalid(child(p, "containerPort"), port.containerPort, msg));
      }
    }
    if (port.hostPort !== undefined && port.hostPort !== 0) {
      for (const msg of portNumberErrors(port.hostPort))
        errs.push(invalid(child(p, "hostPort"), port.hostPort, msg));
    }
    if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) {
      errs.push(notSupported(child(p, "protocol"), port.protocol, PROTOCOLS));
    }
  });
  return errs;
}

function validateEnvVar(env: EnvVar, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!env.name) errs.push(required(child(field, "name")));
  else for (const msg of envNameErrors(env.name)) errs.push(invalid(child(field, "name"), env.name, msg));
  const from = env.valueFrom;
  if (!from) return errs;
  const fromPath = child(field, "valueFrom");
  const sources = (["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"] as const).filter(
    (s) => from[s] !== undefined,
  );
  if (sources.length === 0) {
    errs.push(
      invalid(
        fromPath,
        "",
        "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
      ),
    );
  } else if (sources.length > 1) {
    errs.push(invalid(fromPath, "", "may not have more than one field specified at a time"));
  }
  if (env.value) errs.push(invalid(fromPath, "", "may not be specified when `value` is not empty"));
  if (from.fieldRef) {
    const fp = from.fieldRef.fieldPath;
    const p = child(fromPath, "fieldRef", "fieldPath");
    if (!fp) errs.push(required(p));
    else if (!ENV_FIELD_PATHS.includes(fp) && !ENV_FIELD_PATH_PREFIXES.some((x) => fp.startsWith(`${x}['`))) {
      errs.push(notSupported(p, fp, ENV_FIELD_PATHS));
    }
  }
  if (from.resourceFieldRef && !from.resourceFieldRef.resource) {
    errs.push(required(child(fromPath, "resourceFieldRef", "resource")));
  }
  for (const ref of ["configMapKeyRef", "secretKeyRef"] as const) {
    const sel = from[ref];
    if (!sel) continue;
    if (!sel.name) errs.push(required(child(fromPath, ref, "name")));
    if (!sel.key) errs.push(required(child(fromPath, ref, "key")));
  }
  return errs;
}

function validateEnvFrom(src: EnvFromSource, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (src.prefix)
    for (const msg of envNameErrors(src.prefix)) errs.push(invalid(child(field, "prefix"), src.prefix, msg));
  const count = (src.configMapRef ? 1 : 0) + (src.secretRef ? 1 : 0);
  if (count === 0) errs.push(invalid(field, "", "must specify one of: `configMapRef` or `secretRef`"));
  if (count > 1) errs.push(invalid(field, "", "may not have more than one field specified at a time"));
  return errs;
}

function validateVolumeMounts(
  mounts: VolumeMount[],
  volumes: ReadonlySet<string>,
  field: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  mounts.forEach((m, i) => {
    const p = index(field, i);
    if (!m.name) errs.push(required(child(p, "name")));
    else if (!volumes.has(m.name)) errs.push(notFound(child(p, "name"), m.name));
    if (!m.mountPath) errs.push(required(child(p, "mountPath")));
    else if (paths.has(m.mountPath)) errs.push(invalid(child(p, "mountPath"), m.mountPath, "must be unique"));
    paths.add(m.mountPath);
  });
  return errs;
}

function validateHandler(probe: Probe, field: string): FieldError[] {
  const kinds = (["exec", "httpGet", "tcpSocket", "grpc"] as const).filter((k) => probe[k] !== undefined);
  const errs: FieldError[] = [];
  if (kinds.length === 0) return [required(field, "must specify a handler type")];
  for (const extra of kinds.slice(1))
    errs.push(forbidden(child(field, extra), "may not specify more than 1 handler type"));
  if (probe.exec && !(probe.exec.command ?? []).length) errs.push(required(child(field, "exec", "command")));
  if (probe.httpGet) errs.push(...validatePortNumOrName(probe.httpGet.port, child(field, "httpGet", "port")));
  if (probe.tcpSocket)
    errs.push(...validatePortNumOrName(probe.tcpSocket.port, child(field, "tcpSocket", "port")));
  if (probe.grpc) {
    for (const msg of portNumberErrors(probe.grpc.port))
      errs.push(invalid(child(field, "grpc", "port"), probe.grpc.port, msg));
  }
  return errs;
}

function validateProbe(probe: Probe | undefined, field: string, mustSucceedOnce: boolean): FieldError[] {
  if (!probe) return [];
  const errs = validateHandler(probe, field);
  for (const f of [
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
  ] as const) {
    errs.push(...nonNegative(probe[f], child(field, f)));
  }
  if (mustSucceedOnce && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(invalid(child(field, "successThreshold"), probe.successThreshold, "must be 1"));
  }
  return errs;
}

export interface ContainerRules {
  /** Volume names declared by the pod, for volumeMounts. */
  volumes: ReadonlySet<string>;
  /** Names already used by other containers of the pod; updated as names are seen. */
  names: Set<string>;
  init: boolean;
}

/** `validateContainers` / `validateInitContainers`, for one list. */
export function validateContainers(
  containers: Container[],
  field: string,
  rules: ContainerRules,
): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, i) => {
    const p = index(field, i);
    if (!c.name) errs.push(required(child(p, "name")));
    else {
      for (const msg of isDNS1123Label(c.name)) errs.push(invalid(child(p, "name"), c.name, msg));
      if (rules.names.has(c.name)) errs.push(duplicate(child(p, "name"), c.name));
      rules.names.add(c.name);
    }
    if (!c.image) errs.push(required(child(p, "image")));
    else if (c.image.trim() !== c.image) {
      errs.push(invalid(child(p, "image"), c.image, "must not have leading or trailing whitespace"));
    }
    if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(c.imagePullPolicy)) {
      errs.push(notSupported(child(p, "imagePullPolicy"), c.imagePullPolicy, PULL_POLICIES));
    }
    if (
      c.terminationMessagePolicy !== undefined &&
      !TERMINATION_MESSAGE_POLICIES.includes(c.terminationMessagePolicy)
    ) {
      errs.push(
        notSupported(
          child(p, "terminationMessagePolicy"),
          c.terminationMessagePolicy,
          TERMINATION_MESSAGE_POLICIES,
        ),
      );
    }
    errs.push(...validatePorts(c, child(p, "ports")));
    (c.env ?? []).forEach((e, j) => {
      errs.push(...validateEnvVar(e, index(child(p, "env"), j)));
    });
    (c.envFrom ?? []).forEach((e, j) => {
      errs.push(...validateEnvFrom(e, index(child(p, "envFrom"), j)));
    });
    errs.push(...validateVolumeMounts(c.volumeMounts ?? [], rules.volumes, child(p, "volumeMounts")));
    errs.push(...validateResources(c.resources, child(p, "resources")));
    const sidecar = rules.init && c.restartPolicy === "Always";
    if (rules.init && !sidecar) {
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
        if (c[probe])
          errs.push(
            forbidden(child(p, probe), "may not be set for init containers without restartPolicy=Always"),
          );
      }
    } else {
      errs.push(...validateProbe(c.livenessProbe, child(p, "livenessProbe"), true));
      errs.push(...validateProbe(c.readinessProbe, child(p, "readinessProbe"), false));
      errs.push(...validateProbe(c.startupProbe, child(p, "startupProbe"), true));
    }
    if (!rules.init && c.restartPolicy !== undefined) {
      errs.push(forbidden(child(p, "restartPolicy"), "may not be set for non-init containers"));
    }
  });
  return errs;
}

import { goDuration, type Json, printAnnotations, printLabels, rfc1123z as rfc } from "./helpers.js";
import type { PrefixWriter } from "./prefix-writer.js";

/** describeContainers: the Containers section of a pod or a pod template (`space` = "  "). */
export function describeContainers(
  w: PrefixWriter,
  label: string,
  containers: Json[] | undefined,
  statuses: Json[] | undefined,
  space: string,
): void {
  const list = containers ?? [];
  if (list.length === 0) {
    w.write(0, `${space}${label}: <none>\n`);
    return;
  }
  w.write(0, `${space}${label}:\n`);
  const byName = new Map<string, Json>((statuses ?? []).map((s) => [s.name, s]));
  for (const c of list) {
    const status = statuses ? byName.get(c.name) : undefined;
    w.write(1, `${space ? " " : ""}${c.name}:\n`);
    if (status) w.write(2, `Container ID:\t${status.containerID ?? ""}\n`);
    w.write(2, `Image:\t${c.image ?? ""}\n`);
    if (status) w.write(2, `Image ID:\t${status.imageID ?? ""}\n`);
    const ports = (c.ports ?? []).map((p: Json) => `${p.containerPort}/${p.protocol ?? "TCP"}`).join(", ");
    const hostPorts = (c.ports ?? [])
      .map((p: Json) => `${p.hostPort ?? 0}/${p.protocol ?? "TCP"}`)
      .join(", ");
    w.write(2, ports.includes(",") ? `Ports:\t${ports}\n` : `Port:\t${ports || "<none>"}\n`);
    w.write(
      2,
      hostPorts.includes(",") ? `Host Ports:\t${hostPorts}\n` : `Host Port:\t${hostPorts || "<none>"}\n`,
    );
    for (const [title, values] of [
      ["Command", c.command],
      ["Args", c.args],
    ] as const) {
      if (values?.length) {
        w.write(2, `${title}:\n`);
        for (const v of values as string[]) for (const line of String(v).split("\n")) w.write(3, `${line}\n`);
      }
    }
    if (status) {
      describeState(w, "State", status.state);
      if (status.lastState?.terminated) describeState(w, "Last State", status.lastState);
      w.write(2, `Ready:\t${status.ready ? "True" : "False"}\n`);
      w.write(2, `Restart Count:\t${status.restartCount ?? 0}\n`);
    }
    describeResources(w, c.resources);
    for (const [title, probe] of [
      ["Liveness", c.livenessProbe],
      ["Readiness", c.readinessProbe],
      ["Startup", c.startupProbe],
    ] as const) {
      if (probe) w.write(2, `${title}:\t${describeProbe(probe)}\n`);
    }
    if (c.envFrom?.length) {
      w.write(2, "Environment Variables from:\n");
      for (const from of c.envFrom) {
        const ref = from.configMapRef ?? from.secretRef;
        const kind = from.configMapRef ? "ConfigMap" : "Secret";
        w.write(3, `${ref?.name ?? ""}\t${kind}\tOptional: ${ref?.optional ? "true" : "false"}\n`);
      }
    }
    describeEnv(w, c.env);
    const mounts = [...(c.volumeMounts ?? [])].sort((a: Json, b: Json) =>
      String(a.mountPath).localeCompare(String(b.mountPath)),
    );
    w.write(2, `Mounts:${mounts.length ? "" : "\t<none>"}\n`);
    for (const m of mounts) {
      const flags = [m.readOnly ? "ro" : "rw", ...(m.subPath ? [`path="${m.subPath}"`] : [])];
      w.write(3, `${m.mountPath} from ${m.name} (${flags.join(",")})\n`);
    }
  }
}

function describeState(w: PrefixWriter, name: string, state: Json): void {
  if (state?.running) {
    w.write(2, `${name}:\tRunning\n`);
    w.write(3, `Started:\t${rfc(state.running.startedAt)}\n`);
  } else if (state?.terminated) {
    const t = state.terminated;
    w.write(2, `${name}:\tTerminated\n`);
    if (t.reason) w.write(3, `Reason:\t${t.reason}\n`);
    if (t.message) w.write(3, `Message:\t${t.message}\n`);
    w.write(3, `Exit Code:\t${t.exitCode ?? 0}\n`);
    if (t.signal) w.write(3, `Signal:\t${t.signal}\n`);
    w.write(3, `Started:\t${rfc(t.startedAt)}\n`);
    w.write(3, `Finished:\t${rfc(t.finishedAt)}\n`);
  } else {
    w.write(2, `${name}:\tWaiting\n`);
    if (state?.waiting?.reason) w.write(3, `Reason:\t${state.waiting.reason}\n`);
  }
}

const RESOURCE_ORDER = (a: string, b: string) => a.localeCompare(b);

function describeResources(w: PrefixWriter, resources: Json): void {
  if (!resources) return;
  for (const [title, list] of [
    ["Limits", resources.limits],
    ["Requests", resources.requests],
  ] as const) {
    const keys = Object.keys(list ?? {}).sort(RESOURCE_ORDER);
    if (keys.length === 0) continue;
    w.write(2, `${title}:\n`);
    for (const k of keys) w.write(3, `${k}:\t${list[k]}\n`);
  }
}

/** DescribeProbe: `http-get http://:80/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`. */
export function describeProbe(p: Json): string {
  const attrs = `delay=${goDuration(p.initialDelaySeconds ?? 0)} timeout=${goDuration(p.timeoutSeconds ?? 1)} period=${goDuration(p.periodSeconds ?? 10)} #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
  if (p.exec) return `exec [${(p.exec.command ?? []).join(" ")}] ${attrs}`;
  if (p.httpGet) {
    const scheme = String(p.httpGet.scheme ?? "HTTP").toLowerCase();
    return `http-get ${scheme}://${p.httpGet.host ?? ""}:${p.httpGet.port}${p.httpGet.path ?? ""} ${attrs}`;
  }
  if (p.tcpSocket) return `tcp-socket ${p.tcpSocket.host ?? ""}:${p.tcpSocket.port} ${attrs}`;
  if (p.grpc) return `grpc <pod>:${p.grpc.port} ${p.grpc.service ?? ""} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeEnv(w: PrefixWriter, env: Json[] | undefined): void {
  w.write(2, `Environment:${env?.length ? "" : "\t<none>"}\n`);
  for (const e of env ?? []) {
    const from = e.valueFrom;
    if (!from) {
      String(e.value ?? "")
        .split("\n")
        .forEach((line, i) => {
          w.write(
            3,
            i === 0
              ? `${e.name}:	${line}
`
              : `	${line}
`,
          );
        });
    } else if (from.fieldRef) {
      w.write(3, `${e.name}:\t (${from.fieldRef.apiVersion ?? "v1"}:${from.fieldRef.fieldPath})\n`);
    } else if (from.resourceFieldRef) {
      w.write(3, `${e.name}:\t${from.resourceFieldRef.resource}\n`);
    } else if (from.secretKeyRef) {
      const r = from.secretKeyRef;
      w.write(
        3,
        `${e.name}:\t<set to the key '${r.key}' in secret '${r.name}'>\tOptional: ${Boolean(r.optional)}\n`,
      );
    } else if (from.configMapKeyRef) {
      const r = from.configMapKeyRef;
      w.write(
        3,
        `${e.name}:\t<set to the key '${r.key}' of config map '${r.name}'>\tOptional: ${Boolean(r.optional)}\n`,
      );
    }
  }
}

export function describeVolumes(w: PrefixWriter, volumes: Json[] | undefined, space: string): void {
  if (!volumes?.length) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(1, `${space ? " " : ""}${v.name}:\n`);
    if (v.hostPath) {
      w.write(
        2,
        `Type:\tHostPath (bare host directory volume)\n    Path:\t${v.hostPath.path}\n    HostPathType:\t${v.hostPath.type ?? ""}\n`,
      );
    } else if (v.emptyDir) {
      w.write(
        2,
        `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${v.emptyDir.medium ?? ""}\n    SizeLimit:\t${v.emptyDir.sizeLimit ?? "<unset>"}\n`,
      );
    } else if (v.secret) {
      w.write(
        2,
        `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${v.secret.secretName}\n    Optional:\t${Boolean(v.secret.optional)}\n`,
      );
    } else if (v.configMap) {
      w.write(
        2,
        `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${v.configMap.name}\n    Optional:\t${Boolean(v.configMap.optional)}\n`,
      );
    } else {
      w.write(2, "<unknown>\n");
    }
  }
}

export function formatTolerations(tolerations: Json[] | undefined): string[] {
  return (tolerations ?? []).map((t) => {
    let s = t.key ?? "";
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === "Exists" && !t.value) s += " op=Exists";
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null)
      s += ` for ${t.tolerationSeconds}s`;
    return s;
  });
}

export function printTolerations(w: PrefixWriter, tolerations: Json[] | undefined, indent = ""): void {
  const lines = formatTolerations(tolerations);
  w.write(0, `${indent}Tolerations:\t`);
  if (lines.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  lines.forEach((l, i) => {
    w.write(0, i === 0 ? `${l}\n` : `${indent}\t${l}\n`);
  });
}

/** DescribePodTemplate: the `Pod Template:` section of deployments, replica sets and jobs. */
export function describePodTemplate(w: PrefixWriter, template: Json): void {
  w.write(0, "Pod Template:\n");
  if (!template) {
    w.write(1, "<unset>");
    return;
  }
  // kubectl titles these "  Labels", so continuation lines start at a bare tab (seen raw in rollout history).
  printLabels(w, "  Labels", template.metadata?.labels);
  if (Object.keys(template.metadata?.annotations ?? {}).length > 0) {
    printAnnotations(w, "  Annotations", template.metadata.annotations);
  }
  const spec = template.spec ?? {};
  if (spec.serviceAccountName) w.write(1, `Service Account:\t${spec.serviceAccountName}\n`);
  if (spec.initContainers?.length)
    describeContainers(w, "Init Containers", spec.initContainers, undefined, "  ");
  describeContainers(w, "Containers", spec.containers, undefined, "  ");
  describeVolumes(w, spec.volumes, "  ");
  if (spec.priorityClassName) w.write(1, `Priority Class Name:\t${spec.priorityClassName}\n`);
  printLabels(w, "Node-Selectors", spec.nodeSelector, "  ");
  printTolerations(w, spec.tolerations, "  ");
}

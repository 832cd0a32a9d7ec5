import type { ConfigMap, Container, Pod, Secret } from "@minik8s/api";
import { fail, ok, type RuntimeResult } from "../runtime/container-runtime.js";
import { type ConfigSource, secretBytes } from "./config-source.js";
import { type DownwardContext, fieldRefValue, resourceFieldRefValue } from "./downward-api.js";
import { expand } from "./expand.js";
import { serviceEnv } from "./service-env.js";

export interface ContainerEnv {
  /** The variables the container gets. */
  env: Record<string, string>;
  /** Events to record about the pod: envFrom keys skipped as invalid names. */
  warnings: { reason: string; message: string }[];
}

const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * Kubernetes' makeEnvironmentVariables: `envFrom` first (later sources win), then `env` in order
 * (a `value` is $(VAR)-expanded against what is defined so far and the service variables), then
 * the service variables that nothing above defined. A missing ConfigMap, Secret or key that is
 * not `optional` fails the whole container with CreateContainerConfigError and Kubernetes'
 * message (`configmap "x" not found`, `couldn't find key k in ConfigMap ns/x`).
 */
export async function makeEnvironment(
  pod: Pod,
  container: Container,
  ctx: DownwardContext,
  source: ConfigSource,
): Promise<RuntimeResult<ContainerEnv>> {
  const ns = pod.metadata.namespace ?? "default";
  const services = source.services();
  if (services === undefined) {
    return fail(
      "CreateContainerConfigError",
      "services have not yet been read at least once, cannot construct envvars",
    );
  }
  const svcEnv = serviceEnv(services, ns, pod.spec.enableServiceLinks ?? true);
  const configMaps = new Map<string, ConfigMap | undefined>();
  const secrets = new Map<string, Secret | undefined>();
  const getConfigMap = async (name: string) => {
    if (!configMaps.has(name)) configMaps.set(name, await source.configMap(ns, name));
    return configMaps.get(name);
  };
  const getSecret = async (name: string) => {
    if (!secrets.has(name)) secrets.set(name, await source.secret(ns, name));
    return secrets.get(name);
  };
  const env: Record<string, string> = {};
  const warnings: ContainerEnv["warnings"] = [];
  try {
    for (const from of container.envFrom ?? []) {
      const prefix = from.prefix ?? "";
      const ref = from.configMapRef ?? from.secretRef;
      if (!ref) continue;
      const isConfigMap = from.configMapRef !== undefined;
      const name = ref.name ?? "";
      const data = isConfigMap
        ? (await getConfigMap(name))?.data
        : mapValues(await getSecret(name), (s) =>
            Object.fromEntries([...secretBytes(s)].map(([k, v]) => [k, v.toString()])),
          );
      if (data === undefined) {
        if (ref.optional) continue;
        return notFound(isConfigMap ? "configmap" : "secret", name);
      }
      const invalid: string[] = [];
      for (const [key, value] of Object.entries(data)) {
        const k = prefix + key;
        if (!ENV_VAR_NAME.test(k)) invalid.push(k);
        else env[k] = value;
      }
      if (invalid.length > 0) {
        warnings.push({
          reason: "InvalidEnvironmentVariableNames",
          message: `Keys [${invalid.sort().join(", ")}] from the EnvFrom ${isConfigMap ? "configMap" : "secret"} ${ns}/${name} were skipped since they are considered invalid environment variable names.`,
        });
      }
    }

    for (const e of container.env ?? []) {
      const from = e.valueFrom;
      if (e.value || !from) {
        env[e.name] = expand(e.value ?? "", env, svcEnv);
        continue;
      }
      if (from.fieldRef) {
        const v = fieldRefValue(pod, from.fieldRef.fieldPath, ctx);
        if (!v.ok) return fail("CreateContainerConfigError", v.message);
        env[e.name] = v.value;
      } else if (from.resourceFieldRef) {
        const v = resourceFieldRefValue(pod, container, from.resourceFieldRef, ctx);
        if (!v.ok) return fail("CreateContainerConfigError", v.message);
        env[e.name] = v.value;
      } else if (from.configMapKeyRef) {
        const { name = "", key, optional } = from.configMapKeyRef;
        const cm = await getConfigMap(name);
        if (!cm) {
          if (optional) continue;
          return notFound("configmap", name);
        }
        const value = cm.data?.[key];
        if (value === undefined) {
          if (optional) continue;
          return fail("CreateContainerConfigError", `couldn't find key ${key} in ConfigMap ${ns}/${name}`);
        }
        env[e.name] = value;
      } else if (from.secretKeyRef) {
        const { name = "", key, optional } = from.secretKeyRef;
        const secret = await getSecret(name);
        if (!secret) {
          if (optional) continue;
          return notFound("secret", name);
        }
        const value = secretBytes(secret).get(key);
        if (value === undefined) {
          if (optional) continue;
          return fail("CreateContainerConfigError", `couldn't find key ${key} in Secret ${ns}/${name}`);
        }
        env[e.name] = value.toString();
      }
    }
  } catch (err) {
    // The apiserver did not answer: retried like a missing object.
    return fail("CreateContainerConfigError", (err as Error).message);
  }
  for (const [k, v] of Object.entries(svcEnv)) if (!Object.hasOwn(env, k)) env[k] = v;
  return ok({ env, warnings });
}

function notFound(resource: "configmap" | "secret", name: string): RuntimeResult<never> {
  // The kubelet's configmap/secret managers name the resource in the singular.
  return fail("CreateContainerConfigError", `${resource} "${name}" not found`);
}

function mapValues<T, U>(v: T | undefined, f: (v: T) => U): U | undefined {
  return v === undefined ? undefined : f(v);
}

import {
  type ConfigMap,
  isNotFound,
  type KindInfo,
  kindForApiVersion,
  type Secret,
  type Service,
} from "@minik8s/api";
import type { Client, Informer } from "@minik8s/client";

export const CONFIGMAPS = kindForApiVersion("v1", "ConfigMap") as KindInfo;
export const SECRETS = kindForApiVersion("v1", "Secret") as KindInfo;
export const SERVICES = kindForApiVersion("v1", "Service") as KindInfo;

/**
 * Where the kubelet reads the objects a pod's env and volumes name. `undefined` means the object
 * does not exist (404); any other failure throws.
 */
export interface ConfigSource {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  /** Every service the kubelet knows of; undefined until they have been read once. */
  services(): readonly Service[] | undefined;
}

/**
 * ConfigMaps and Secrets by GET through the apiserver each time a container is created (the
 * kubelet's "Get" change-detection strategy, not its default watch), services from an informer
 * the kubelet owns, as Kubernetes' kubelet keeps a service lister.
 */
export class ApiConfigSource implements ConfigSource {
  constructor(
    private readonly client: Client,
    private readonly serviceInformer?: Informer<Service>,
  ) {}

  configMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return this.get<ConfigMap>(CONFIGMAPS, namespace, name);
  }

  secret(namespace: string, name: string): Promise<Secret | undefined> {
    return this.get<Secret>(SECRETS, namespace, name);
  }

  services(): readonly Service[] | undefined {
    if (!this.serviceInformer) return [];
    return this.serviceInformer.hasSynced() ? this.serviceInformer.list() : undefined;
  }

  private async get<T extends ConfigMap | Secret>(
    kind: KindInfo,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    try {
      return await this.client.get<T>(kind, namespace, name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}

/** Objects held in memory: the sim runtime's tests and hollow nodes. */
export class StaticConfigSource implements ConfigSource {
  readonly configMaps = new Map<string, ConfigMap>();
  readonly secrets = new Map<string, Secret>();
  readonly serviceList: Service[] = [];

  async configMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return this.configMaps.get(`${namespace}/${name}`);
  }

  async secret(namespace: string, name: string): Promise<Secret | undefined> {
    return this.secrets.get(`${namespace}/${name}`);
  }

  services(): readonly Service[] {
    return this.serviceList;
  }

  addConfigMap(namespace: string, name: string, data: Record<string, string>): void {
    this.configMaps.set(`${namespace}/${name}`, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { namespace, name },
      data,
    });
  }

  /** `data` in plain text; stored base64-encoded as the API holds it. */
  addSecret(namespace: string, name: string, data: Record<string, string>): void {
    const encoded = Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
    );
    this.secrets.set(`${namespace}/${name}`, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { namespace, name },
      data: encoded,
      type: "Opaque",
    });
  }
}

/** A ConfigMap's keys as bytes: `data` and `binaryData` together. */
export function configMapBytes(cm: ConfigMap): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, Buffer.from(v));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, "base64"));
  return out;
}

/** A Secret's keys as bytes (the API holds them base64-encoded). */
export function secretBytes(secret: Secret): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret.data ?? {})) out.set(k, Buffer.from(v, "base64"));
  return out;
}

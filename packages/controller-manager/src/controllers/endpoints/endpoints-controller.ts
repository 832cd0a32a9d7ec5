import { deepEqual } from "@minik8s/api/deep-equal";
import { kindForApiVersion } from "@minik8s/api/registry";
import type { Endpoints, Pod, Service } from "@minik8s/api/schemas/core";
import { isAlreadyExists, isConflict, isNotFound } from "@minik8s/api/status-error";
import { type Client, type EventRecorder, type Informer, type Logger, objectKey } from "@minik8s/client";
import { QueueController } from "../../controller.js";
import type { SharedInformers } from "../../informers.js";
import { endpointSubsets } from "./endpoint-subsets.js";

const SERVICE_KIND = kindForApiVersion("v1", "Service")!;
const ENDPOINTS_KIND = kindForApiVersion("v1", "Endpoints")!;
const POD_KIND = kindForApiVersion("v1", "Pod")!;

/** The label Kubernetes puts on the Endpoints of a headless service. */
const HEADLESS_LABEL = "service.kubernetes.io/headless";

export interface EndpointsControllerOptions {
  client: Client;
  informers: SharedInformers;
  events: EventRecorder;
  log: Logger;
}

/**
 * Keeps one Endpoints per Service with a selector, named as the Service, listing the IPs and
 * ports of the pods the selector picks (Kubernetes' endpoint controller). Any change to such a
 * pod (its IP, readiness, labels, deletion) requeues the services that select it, so the
 * Endpoints follow readiness as soon as the kubelet reports it. A Service without a selector
 * is left alone: its Endpoints are the user's. A deleted Service takes its Endpoints with it;
 * so does one found missing when the controller starts (Kubernetes' checkLeftoverEndpoints).
 */
export class EndpointsController extends QueueController {
  private readonly client: Client;
  private readonly events: EventRecorder;
  private readonly services: Informer<Service>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly pods: Informer<Pod>;
  private running = false;

  constructor(opts: EndpointsControllerOptions) {
    super("endpoints", opts.log);
    this.client = opts.client;
    this.events = opts.events;
    this.services = opts.informers.for<Service>(SERVICE_KIND);
    this.endpoints = opts.informers.for<Endpoints>(ENDPOINTS_KIND);
    this.pods = opts.informers.for<Pod>(POD_KIND);
    this.services.addEventHandler({
      onAdd: (svc) => this.enqueue(objectKey(svc)),
      onUpdate: (_old, svc) => this.enqueue(objectKey(svc)),
      onDelete: (svc) => this.enqueue(objectKey(svc)),
    });
    this.endpoints.addEventHandler({
      // Endpoints listed before the workers start are checked once for a missing Service.
      onAdd: (ep) => {
        if (!this.running) this.enqueue(objectKey(ep));
      },
      // Ours, edited or deleted by someone else: written back.
      onUpdate: (_old, ep) => {
        if (managed(this.services.get(objectKey(ep)))) this.enqueue(objectKey(ep));
      },
      onDelete: (ep) => {
        if (managed(this.services.get(objectKey(ep)))) this.enqueue(objectKey(ep));
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podChanged(pod),
      onUpdate: (old, pod) => {
        this.podChanged(pod);
        if (!deepEqual(old.metadata.labels ?? {}, pod.metadata.labels ?? {})) this.podChanged(old);
      },
      onDelete: (pod) => this.podChanged(pod),
    });
  }

  override run(workers: number, signal: AbortSignal): Promise<void> {
    this.running = true;
    return super.run(workers, signal);
  }

  async reconcile(key: string): Promise<void> {
    const service = this.services.get(key);
    const [namespace = "default", name = ""] = key.split("/");
    if (!service) {
      if (!this.endpoints.get(key)) return;
      try {
        await this.client.delete(ENDPOINTS_KIND, namespace, name);
        this.log.info({ service: key }, "service gone; deleted its endpoints");
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    if (!managed(service)) return;
    const selector = service.spec.selector ?? {};

    const pods = this.pods.byNamespace(namespace).filter((p) => matches(selector, p.metadata.labels));
    const subsets = endpointSubsets(service, pods);
    const labels: Record<string, string> = { ...service.metadata.labels };
    if (service.spec.clusterIP === "None") labels[HEADLESS_LABEL] = "";
    else delete labels[HEADLESS_LABEL];

    const current = this.endpoints.get(key);
    const counts = {
      ready: subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0),
      notReady: subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0),
    };
    if (!current) {
      const ep: Endpoints = {
        apiVersion: "v1",
        kind: "Endpoints",
        metadata: { name, namespace, ...(Object.keys(labels).length > 0 ? { labels } : {}) },
        ...(subsets.length > 0 ? { subsets } : {}),
      };
      try {
        await this.client.create(ep);
      } catch (err) {
        // Created meanwhile and our cache is behind: retried once the cache has it.
        if (isAlreadyExists(err)) throw err;
        throw this.failed(service, err);
      }
      this.log.info({ service: key, ...counts }, "created endpoints");
      return;
    }
    if (deepEqual(current.subsets ?? [], subsets) && deepEqual(current.metadata.labels ?? {}, labels)) {
      return;
    }
    const { subsets: _old, ...rest } = current;
    const updated: Endpoints = {
      ...rest,
      metadata: { ...current.metadata, labels },
      ...(subsets.length > 0 ? { subsets } : {}),
    };
    try {
      await this.client.update(updated);
    } catch (err) {
      // Our cache is behind our own last write: retried once it catches up. Kubernetes records a
      // Warning event for this too; we keep events for failures a user should look at.
      if (isConflict(err)) throw err;
      throw this.failed(service, err);
    }
    this.log.info({ service: key, ...counts }, "updated endpoints");
  }

  private podChanged(pod: Pod): void {
    const namespace = pod.metadata.namespace ?? "default";
    for (const svc of this.services.byNamespace(namespace)) {
      if (managed(svc) && matches(svc.spec.selector ?? {}, pod.metadata.labels)) this.enqueue(objectKey(svc));
    }
  }

  private failed(service: Service, err: unknown): unknown {
    this.events.event(
      service,
      "Warning",
      "FailedToUpdateEndpoint",
      `Failed to update endpoint ${objectKey(service)}: ${String(err)}`,
    );
    return err;
  }
}

/**
 * Whether this controller writes the Service's Endpoints: it has a selector (an empty one counts
 * as none, as `kubectl describe` shows it) and is not an ExternalName.
 */
function managed(service: Service | undefined): service is Service {
  return (
    service !== undefined &&
    Object.keys(service.spec.selector ?? {}).length > 0 &&
    service.spec.type !== "ExternalName"
  );
}

/** A Service's selector is a plain map: every key must be equal. */
function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels?.[k] === v);
}

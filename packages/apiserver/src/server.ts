import { allKinds, apiVersionOf, type KindInfo, KUBERNETES_VERSION, storagePrefix } from "@minik8s/api";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import {
  type DefaultTolerationSecondsOptions,
  defaultTolerationSeconds,
} from "./admission/default-toleration-seconds.js";
import { namespaceLifecycle } from "./admission/namespace-lifecycle.js";
import { bootstrap } from "./bootstrap.js";
import { MAX_BODY_BYTES, registerBodyParsers } from "./http/body.js";
import { registerDiscoveryRoutes } from "./http/discovery-routes.js";
import { registerErrorHandlers } from "./http/error-handler.js";
import { PodProxy } from "./http/pod-proxy.js";
import { registerResourceRoutes, watchOverWebSocket } from "./http/resource-routes.js";
import { attachWebSockets } from "./http/websocket.js";
import { IpAllocator } from "./registry/allocators/ip-allocator.js";
import { PortAllocator } from "./registry/allocators/port-allocator.js";
import { jobStrategy } from "./registry/job-strategy.js";
import { namespaceStrategy } from "./registry/namespace-strategy.js";
import { podStrategy } from "./registry/pod-strategy.js";
import { ResourceStorage } from "./registry/resource-storage.js";
import { claimExisting, serviceStrategy } from "./registry/service-strategy.js";
import type { Strategy } from "./registry/strategy.js";
import { versioned } from "./registry/versioned.js";
import { LevelStore, type WatchableStore } from "./storage/index.js";
import { WatchCache } from "./watch/watch-cache.js";
import type { ApiObject } from "./watch/watch-event.js";

export interface ApiServerOptions {
  /** Where the embedded LevelDB keeps its data (ignored when `store` is given). */
  dataDir?: string;
  /** An already open store, e.g. for tests or another backend. */
  store?: WatchableStore;
  host?: string;
  port?: number;
  serviceClusterIpRange?: string;
  nodePortRange?: [number, number];
  /** How many revisions of history watches can resume from; older ones are compacted. */
  retainRevisions?: number;
  logger?: Logger | false;
  logLevel?: string;
  /** DefaultTolerationSeconds admission: how long new pods tolerate not-ready/unreachable nodes. */
  defaultTolerations?: DefaultTolerationSecondsOptions;
}

export interface ApiServer {
  app: FastifyInstance;
  store: WatchableStore;
  storages: Map<string, ResourceStorage>;
  /** The base URL clients use, e.g. http://127.0.0.1:6443. */
  url: string;
  close(): Promise<void>;
}

const storageId = (group: string, version: string, plural: string) => `${group}/${version}/${plural}`;

/**
 * The apiserver: one fastify app over one store. Each kind gets a watch cache (one store watch
 * however many clients watch) and a ResourceStorage that does the REST verbs.
 */
export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const ownsStore = !opts.store;
  if (!opts.store && !opts.dataDir) throw new Error("startApiServer needs a dataDir or a store");
  const store =
    opts.store ??
    (await LevelStore.open(opts.dataDir!, { retainRevisions: opts.retainRevisions ?? 100_000 }));

  const app: FastifyInstance = Fastify({
    // fastify 5 takes a ready pino instance as `loggerInstance`, and options as `logger`.
    ...(opts.logger
      ? { loggerInstance: opts.logger as FastifyBaseLogger }
      : { logger: opts.logger === false ? false : { level: opts.logLevel ?? "info" } }),
    // One debug line per request comes from the onResponse hook below instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 },
  });
  const log = app.log as unknown as Logger;

  // One line per request at debug level, naming what was asked and how it ended. The hook is only
  // added at that level: every request would pay for it otherwise. (Without a logger, fastify's
  // stand-in has no levels.)
  if (typeof log.isLevelEnabled === "function" && log.isLevelEnabled("debug")) {
    app.addHook("onResponse", async (request, reply) => {
      request.log.debug(
        {
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        "request",
      );
    });
  }

  registerBodyParsers(app);
  registerErrorHandlers(app);

  const ips = new IpAllocator(opts.serviceClusterIpRange ?? "10.96.0.0/12");
  const ports = new PortAllocator(...(opts.nodePortRange ?? [30000, 32767]));
  const strategies: Record<string, Strategy> = {
    pods: withDefaultTolerations(podStrategy, opts.defaultTolerations),
    namespaces: namespaceStrategy,
    services: serviceStrategy(ips, ports),
    jobs: jobStrategy,
  };

  const storages = new Map<string, ResourceStorage>();
  const caches: WatchCache[] = [];
  let namespaces: ResourceStorage | undefined;
  const checkNamespace = async (name: string) => namespaceLifecycle(namespaces!)(name);
  for (const kind of allKinds()) {
    const cache = new WatchCache({
      store,
      prefix: storagePrefix(kind),
      decorate: versioned,
      kind: kind.kind,
      apiVersion: apiVersionOf(kind),
      log: log.child({ resource: kind.plural }),
    });
    caches.push(cache);
    const storage = new ResourceStorage({
      info: kind,
      store,
      cache,
      ...(strategies[kind.plural] ? { strategy: strategies[kind.plural] } : {}),
      ...(kind.namespaced ? { checkNamespace } : {}),
      log: log.child({ resource: kind.plural }),
    });
    storages.set(storageId(kind.group, kind.version, kind.plural), storage);
    if (kind.plural === "namespaces" && kind.group === "") namespaces = storage;
  }
  await Promise.all(caches.map((c) => c.start()));

  const services = lookupStorage(storages, "", "v1", "services");
  claimExisting((await services.list(undefined, {})).items as ApiObject[], ips, ports);

  app.get("/version", async () => ({
    ...KUBERNETES_VERSION,
    gitCommit: "",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: `node${process.versions.node}`,
    compiler: "tsc",
    platform: `${process.platform}/${process.arch}`,
  }));
  for (const path of ["/healthz", "/livez", "/readyz"]) {
    app.get(path, async (_req, reply) => reply.type("text/plain").send("ok"));
  }
  registerDiscoveryRoutes(app);
  const lookup = (group: string, version: string, resource: string) =>
    storages.get(storageId(group, version, resource));
  const podProxy = new PodProxy(lookup);
  registerResourceRoutes(app, lookup, podProxy);
  const watchRoute = watchOverWebSocket(lookup);
  const execRoute = podProxy.execRoute();
  const closeWebSockets = attachWebSockets(
    app,
    async (req) => (await watchRoute(req)) ?? execRoute(req),
    log,
  );

  await app.listen({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 6443 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : (opts.port ?? 6443);
  const host = opts.host && opts.host !== "0.0.0.0" ? opts.host : "127.0.0.1";

  await bootstrap({ namespaces: namespaces!, services }, { kubernetesServiceIP: ips.first, port });
  log.info({ url: `http://${host}:${port}`, revision: await store.currentRevision() }, "apiserver ready");

  return {
    app,
    store,
    storages,
    url: `http://${host}:${port}`,
    async close() {
      await closeWebSockets();
      await Promise.all(caches.map((cache) => cache.stop()));
      await app.close();
      if (ownsStore) await store.close();
    },
  };
}

/** Pods get DefaultTolerationSeconds on create, before defaults and validation. */
function withDefaultTolerations(strategy: Strategy, opts: DefaultTolerationSecondsOptions = {}): Strategy {
  const admit = defaultTolerationSeconds(opts);
  return {
    ...strategy,
    prepareForCreate(obj) {
      strategy.prepareForCreate?.(obj);
      admit(obj);
    },
  };
}

function lookupStorage(
  storages: Map<string, ResourceStorage>,
  group: string,
  version: string,
  plural: string,
) {
  const storage = storages.get(storageId(group, version, plural));
  if (!storage) throw new Error(`the kind registry has no ${plural} in ${group || "core"}/${version}`);
  return storage;
}

export type { KindInfo };

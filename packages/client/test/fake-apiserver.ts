import type { ServerResponse } from "node:http";
import { resourceFor } from "@minik8s/api";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";

/**
 * A small in-memory apiserver for the client's tests: objects by path, a resourceVersion
 * counter, an event log for watches, and knobs to break things (cut streams, expire the log,
 * answer with a canned reply).
 */

// biome-ignore lint/suspicious/noExplicitAny: objects of any kind pass through
type Obj = any;

export interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Target {
  group: string;
  version: string;
  plural: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

interface LoggedEvent {
  rv: number;
  type: "ADDED" | "MODIFIED" | "DELETED";
  plural: string;
  object: Obj;
}

interface Watcher {
  plural: string;
  namespace: string | undefined;
  match: (obj: Obj) => boolean;
  raw: ServerResponse;
}

export interface FakeApiServer {
  url: string;
  requests: Recorded[];
  /** A canned reply for the next requests that match, instead of the store. */
  intercept:
    | ((req: Recorded) => { status: number; body: string; contentType?: string } | undefined)
    | undefined;
  /** How a watch from a compacted resourceVersion is refused: an HTTP 410 or an ERROR event. */
  goneAs: "http" | "event";
  readonly revision: number;
  /** Writes without a watch event: the change a client misses while its watch is down. */
  putSilently(plural: string, obj: Obj): void;
  removeSilently(plural: string, namespace: string | undefined, name: string): void;
  /** Ends every open watch response normally. */
  cutWatches(): void;
  /** Forgets history (compaction): open watches get an ERROR 410 event and end. */
  expireWatches(): void;
  /** Sends a BOOKMARK at the current revision to every open watch. */
  bookmark(): void;
  watcherCount(): number;
  close(): Promise<void>;
}

const ENDS_OF_NAMESPACE = new Set(["status", "finalize"]);

function parseTarget(path: string): Target | undefined {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  let group = "";
  let rest: string[];
  let version: string;
  if (parts[0] === "api") {
    version = parts[1] ?? "";
    rest = parts.slice(2);
  } else if (parts[0] === "apis") {
    group = parts[1] ?? "";
    version = parts[2] ?? "";
    rest = parts.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3 && !ENDS_OF_NAMESPACE.has(rest[2] as string)) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource] = rest;
  if (!plural) return undefined;
  return { group, version, plural, namespace, name, subresource };
}

function keyOf(plural: string, namespace: string | undefined, name: string): string {
  return `${plural}/${namespace ?? ""}/${name}`;
}

function status(code: number, reason: string, message: string): Obj {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

function fieldValue(obj: Obj, path: string): string {
  let v: Obj = obj;
  for (const part of path.split(".")) v = v?.[part];
  return v === undefined || v === null ? "" : String(v);
}

function matcher(query: Record<string, string>): (obj: Obj) => boolean {
  const reqs: ((obj: Obj) => boolean)[] = [];
  for (const term of (query.labelSelector ?? "").split(",").filter(Boolean)) {
    const [k, v] = term.split("=") as [string, string];
    reqs.push((o) => o.metadata?.labels?.[k] === v);
  }
  for (const term of (query.fieldSelector ?? "").split(",").filter(Boolean)) {
    const [k, v] = term.split("=") as [string, string];
    reqs.push((o) => fieldValue(o, k) === v);
  }
  return (o) => reqs.every((r) => r(o));
}

function mergePatch(target: Obj, patch: Obj): Obj {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out = target && typeof target === "object" && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export async function startFakeApiServer(): Promise<FakeApiServer> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const objects = new Map<string, Obj>();
  const log: LoggedEvent[] = [];
  const watchers = new Set<Watcher>();
  let rv = 100;
  let compactedRv = 0;
  let uid = 0;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));

  const server: FakeApiServer = {
    url: "",
    requests: [],
    intercept: undefined,
    goneAs: "http",
    get revision() {
      return rv;
    },
    putSilently(plural, obj) {
      rv++;
      const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
      objects.set(keyOf(plural, stored.metadata.namespace, stored.metadata.name), stored);
    },
    removeSilently(plural, namespace, name) {
      rv++;
      objects.delete(keyOf(plural, namespace, name));
    },
    cutWatches() {
      for (const w of watchers) w.raw.end();
      watchers.clear();
    },
    expireWatches() {
      compactedRv = rv;
      for (const w of watchers) {
        w.raw.end(
          `${JSON.stringify({ type: "ERROR", object: status(410, "Expired", "too old resource version") })}\n`,
        );
      }
      watchers.clear();
    },
    bookmark() {
      for (const w of watchers) {
        w.raw.write(
          `${JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: String(rv) } } })}\n`,
        );
      }
    },
    watcherCount: () => watchers.size,
    close: () => {
      server.cutWatches();
      return app.close();
    },
  };

  function emit(type: LoggedEvent["type"], plural: string, object: Obj): void {
    log.push({ rv, type, plural, object });
    for (const w of watchers) {
      if (w.plural !== plural) continue;
      if (w.namespace && w.namespace !== object.metadata?.namespace) continue;
      if (!w.match(object)) continue;
      w.raw.write(`${JSON.stringify({ type, object })}\n`);
    }
  }

  function send(reply: FastifyReply, code: number, body: Obj) {
    return reply.code(code).header("content-type", "application/json").send(JSON.stringify(body));
  }

  app.all("/*", async (req: FastifyRequest, reply: FastifyReply) => {
    const body = typeof req.body === "string" ? req.body : "";
    const recorded: Recorded = { method: req.method, url: req.url, headers: req.headers, body };
    server.requests.push(recorded);
    const canned = server.intercept?.(recorded);
    if (canned) {
      return reply
        .code(canned.status)
        .header("content-type", canned.contentType ?? "application/json")
        .send(canned.body);
    }
    const url = new URL(req.url, "http://x");
    const query = Object.fromEntries(url.searchParams);
    const t = parseTarget(url.pathname);
    if (!t) return send(reply, 404, status(404, "NotFound", `the server could not find ${url.pathname}`));
    const info = resourceFor(t.group, t.version, t.plural);
    const listKind = info?.listKind ?? "List";
    const parsed = body ? JSON.parse(body) : undefined;

    if (req.method === "GET" && !t.name && query.watch === "true") {
      const from = query.resourceVersion ? Number(query.resourceVersion) : undefined;
      if (from !== undefined && from !== 0 && from < compactedRv && server.goneAs === "http") {
        return send(reply, 410, status(410, "Expired", `too old resource version: ${from} (${compactedRv})`));
      }
      reply.hijack();
      reply.raw.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
      reply.raw.flushHeaders();
      if (from !== undefined && from !== 0 && from < compactedRv) {
        reply.raw.end(
          `${JSON.stringify({ type: "ERROR", object: status(410, "Expired", "too old resource version") })}\n`,
        );
        return;
      }
      const match = matcher(query);
      const w: Watcher = { plural: t.plural, namespace: t.namespace, match, raw: reply.raw };
      const inScope = (o: Obj) => (!t.namespace || o.metadata?.namespace === t.namespace) && match(o);
      if (from === undefined || from === 0) {
        for (const [key, o] of objects) {
          if (key.startsWith(`${t.plural}/`) && inScope(o))
            reply.raw.write(`${JSON.stringify({ type: "ADDED", object: o })}\n`);
        }
      } else {
        for (const e of log) {
          if (e.rv > from && e.plural === t.plural && inScope(e.object)) {
            reply.raw.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
          }
        }
      }
      watchers.add(w);
      reply.raw.on("close", () => watchers.delete(w));
      return;
    }

    if (req.method === "GET" && !t.name) {
      const match = matcher(query);
      const items = [...objects.entries()]
        .filter(([key]) => key.startsWith(t.namespace ? `${t.plural}/${t.namespace}/` : `${t.plural}/`))
        .map(([, o]) => o)
        .filter(match);
      return send(reply, 200, {
        kind: listKind,
        apiVersion: t.group ? `${t.group}/${t.version}` : t.version,
        metadata: { resourceVersion: String(rv) },
        items,
      });
    }

    if (req.method === "POST" && !t.name) {
      const name = parsed.metadata?.name ?? `${parsed.metadata?.generateName ?? "x-"}${++uid}`;
      const namespace = info?.namespaced ? t.namespace : undefined;
      const key = keyOf(t.plural, namespace, name);
      if (objects.has(key)) {
        return send(reply, 409, status(409, "AlreadyExists", `${t.plural} "${name}" already exists`));
      }
      rv++;
      const obj = {
        ...parsed,
        metadata: {
          ...parsed.metadata,
          name,
          ...(namespace ? { namespace } : {}),
          uid: `uid-${++uid}`,
          resourceVersion: String(rv),
        },
      };
      objects.set(key, obj);
      emit("ADDED", t.plural, obj);
      return send(reply, 201, obj);
    }

    const name = t.name as string;
    if (req.method === "POST" && t.subresource === "binding") {
      const key = keyOf(t.plural, t.namespace, name);
      const pod = objects.get(key);
      if (!pod) return send(reply, 404, status(404, "NotFound", `pods "${name}" not found`));
      rv++;
      const bound = {
        ...pod,
        spec: { ...pod.spec, nodeName: parsed.target.name },
        metadata: { ...pod.metadata, resourceVersion: String(rv) },
      };
      objects.set(key, bound);
      emit("MODIFIED", t.plural, bound);
      return send(reply, 201, {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Success",
        code: 201,
      });
    }

    const key = keyOf(t.plural, info?.namespaced ? t.namespace : undefined, name);
    const current = objects.get(key);
    if (!current) {
      return send(reply, 404, status(404, "NotFound", `${t.plural} "${name}" not found`));
    }
    if (req.method === "GET") {
      if (t.subresource === "scale") {
        return send(reply, 200, {
          apiVersion: "autoscaling/v1",
          kind: "Scale",
          metadata: { name, namespace: t.namespace, resourceVersion: current.metadata.resourceVersion },
          spec: { replicas: current.spec?.replicas ?? 0 },
          status: { replicas: current.status?.replicas ?? 0 },
        });
      }
      return send(reply, 200, current);
    }
    if (req.method === "DELETE") {
      objects.delete(key);
      rv++;
      const gone = { ...current, metadata: { ...current.metadata, resourceVersion: String(rv) } };
      emit("DELETED", t.plural, gone);
      return send(reply, 200, gone);
    }
    let next: Obj;
    if (req.method === "PUT") {
      if (
        parsed.metadata?.resourceVersion &&
        parsed.metadata.resourceVersion !== current.metadata.resourceVersion
      ) {
        return send(
          reply,
          409,
          status(
            409,
            "Conflict",
            `Operation cannot be fulfilled on ${t.plural} "${name}": the object has been modified`,
          ),
        );
      }
      if (t.subresource === "status") next = { ...current, status: parsed.status };
      else if (t.subresource === "scale")
        next = { ...current, spec: { ...current.spec, replicas: parsed.spec.replicas } };
      else next = { ...parsed, status: current.status };
    } else if (req.method === "PATCH") {
      if (t.subresource === "scale") {
        next = { ...current, spec: { ...current.spec, replicas: parsed.spec.replicas } };
      } else next = mergePatch(current, parsed);
    } else {
      return send(reply, 405, status(405, "MethodNotAllowed", `${req.method} is not allowed`));
    }
    rv++;
    next = { ...next, metadata: { ...current.metadata, ...next.metadata, resourceVersion: String(rv) } };
    objects.set(key, next);
    emit("MODIFIED", t.plural, next);
    return send(reply, 200, next);
  });

  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("fake apiserver has no port");
  server.url = `http://127.0.0.1:${address.port}`;
  return server;
}

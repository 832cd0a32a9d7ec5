import http, { type IncomingMessage } from "node:http";
import { errors, StatusError } from "@minik8s/api";
import type { FastifyReply, FastifyRequest } from "fastify";
import { type RawData, WebSocket } from "ws";
import { parseRequestInfo } from "./request-info.js";
import type { StorageLookup } from "./resource-routes.js";
import type { WebSocketHandler, WebSocketRoute } from "./websocket.js";

/** What kubectl offers for exec; the kubelet speaks the same, and frames pass through untouched. */
const CHANNEL_PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"];
const DEFAULT_KUBELET_PORT = 10250;
const KUBELET_ANSWER_MS = 10_000;
const LOG_PARAMS = [
  "follow",
  "tailLines",
  "sinceSeconds",
  "sinceTime",
  "timestamps",
  "previous",
  "limitBytes",
];
const EXEC_PARAMS = ["command", "stdin", "stdout", "stderr", "tty"];

interface PodLike {
  metadata: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec: { nodeName?: string; containers: { name: string }[]; initContainers?: { name: string }[] };
  status?: {
    phase?: string;
    containerStatuses?: ContainerStatusLike[];
    initContainerStatuses?: ContainerStatusLike[];
  };
}

interface ContainerStatusLike {
  name: string;
  state?: { waiting?: { reason?: string } };
  lastState?: { terminated?: { containerID?: string } };
}

interface NodeLike {
  metadata: { name?: string };
  status?: {
    addresses?: { type: string; address: string }[];
    daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
  };
}

/**
 * `pods/log` and `pods/exec`: the apiserver holds no logs and runs no commands, so, as in
 * Kubernetes, it finds the pod's node and proxies to that node's kubelet server
 * (`/containerLogs/...`, `/exec/...`). What it can tell from the pod alone (no such container,
 * not scheduled, still waiting to start) it answers itself, in Kubernetes' words.
 */
export class PodProxy {
  constructor(private readonly lookup: StorageLookup) {}

  /** `GET .../pods/NAME/log`: the kubelet's text, streamed through as it comes (follow). */
  async logs(
    request: FastifyRequest,
    reply: FastifyReply,
    namespace: string,
    name: string,
  ): Promise<FastifyReply> {
    const query = new URL(request.url, "http://apiserver").searchParams;
    const pod = await this.pod(namespace, name);
    const container = containerOf(pod, query.get("container"));
    checkLogStatus(pod, container, query.get("previous") === "true");
    const target = await this.kubelet(pod);
    const path = `/containerLogs/${enc(namespace)}/${enc(name)}/${enc(container)}${pick(query, LOG_PARAMS)}`;
    const upstream = await get(target, path);
    if (upstream.res.statusCode !== 200) throw await kubeletError(upstream.res, target.url + path);
    // Written by hand, not through fastify: the headers must go out before the first line does,
    // or a client following a quiet log would wait for them.
    reply.hijack();
    reply.raw.writeHead(200, { "content-type": "text/plain", "cache-control": "no-cache" });
    reply.raw.flushHeaders();
    reply.raw.on("close", () => upstream.req.destroy());
    upstream.res.pipe(reply.raw);
    upstream.res.on("error", () => reply.raw.destroy());
    return reply;
  }

  /**
   * The WebSocket route of `pods/exec`: checks the pod, dials the kubelet with the subprotocol the
   * client will get, and only then accepts the client, so every refusal is an HTTP error with a
   * Status. After that, frames are relayed both ways untouched.
   */
  execRoute(): WebSocketRoute {
    return async (req) => {
      const url = new URL(req.url ?? "/", "http://apiserver");
      const info = parseRequestInfo("GET", url.pathname, url.searchParams);
      if (info?.group !== "" || info.resource !== "pods" || info.subresource !== "exec") return undefined;
      const namespace = info.namespace ?? "";
      const name = info.name ?? "";
      const pod = await this.pod(namespace, name);
      const container = containerOf(pod, url.searchParams.get("container"));
      if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") {
        throw errors.badRequest(
          `cannot exec into a container in a completed pod; current phase is ${pod.status.phase}`,
        );
      }
      if (req.headers.upgrade?.toLowerCase() !== "websocket") {
        throw errors.badRequest(
          "this apiserver speaks exec over WebSocket only (v5.channel.k8s.io, v4.channel.k8s.io), not SPDY",
        );
      }
      const offered = (req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
      const protocol = offered.find((p) => CHANNEL_PROTOCOLS.includes(p));
      if (!protocol) {
        throw errors.badRequest(`exec needs one of the subprotocols ${CHANNEL_PROTOCOLS.join(", ")}`);
      }
      const target = await this.kubelet(pod);
      const path = `/exec/${enc(namespace)}/${enc(name)}/${enc(container)}${pick(url.searchParams, EXEC_PARAMS)}`;
      const { backend, early, hold } = await dial(`${target.url.replace(/^http/, "ws")}${path}`, protocol);
      const handler: WebSocketHandler = (client) => {
        backend.off("message", hold);
        relay(client, backend, early);
      };
      handler.protocols = [protocol];
      return handler;
    };
  }

  private async pod(namespace: string, name: string): Promise<PodLike> {
    const pods = this.lookup("", "v1", "pods");
    if (!pods) throw errors.internal("pods are not served");
    return (await pods.get(namespace, name)) as unknown as PodLike;
  }

  /** The kubelet of the pod's node: its InternalIP (else Hostname) and daemon endpoint port. */
  private async kubelet(pod: PodLike): Promise<{ url: string }> {
    const nodeName = pod.spec.nodeName;
    if (!nodeName) throw errors.badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
    const nodes = this.lookup("", "v1", "nodes");
    if (!nodes) throw errors.internal("nodes are not served");
    let node: NodeLike;
    try {
      node = (await nodes.get(undefined, nodeName)) as unknown as NodeLike;
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) {
        throw new StatusError(
          503,
          "ServiceUnavailable",
          `node "${nodeName}" of pod ${pod.metadata.name} not found`,
        );
      }
      throw err;
    }
    const addresses = node.status?.addresses ?? [];
    const host = (
      addresses.find((a) => a.type === "InternalIP") ?? addresses.find((a) => a.type === "Hostname")
    )?.address;
    if (!host) throw new StatusError(503, "ServiceUnavailable", `node "${nodeName}" reports no address`);
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
    return { url: `http://${host.includes(":") ? `[${host}]` : host}:${port}` };
  }
}

/** Kubernetes' choice of container: the one named, else the only one. */
function containerOf(pod: PodLike, asked: string | null): string {
  const names = pod.spec.containers.map((c) => c.name);
  const init = (pod.spec.initContainers ?? []).map((c) => c.name);
  if (!asked) {
    if (names.length === 1) return names[0]!;
    const more = init.length > 0 ? ` or one of the init containers: [${init.join(" ")}]` : "";
    throw errors.badRequest(
      `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(" ")}]${more}`,
    );
  }
  if (!names.includes(asked) && !init.includes(asked)) {
    throw errors.badRequest(`container ${asked} is not valid for pod ${pod.metadata.name}`);
  }
  return asked;
}

/** What the kubelet's validateContainerLogStatus refuses, read off the pod's status. */
function checkLogStatus(pod: PodLike, container: string, previous: boolean): void {
  const status = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
  ].find((s) => s.name === container);
  const lastTerminated = status?.lastState?.terminated?.containerID;
  const name = pod.metadata.name;
  if (previous) {
    if (!lastTerminated)
      throw errors.badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    return;
  }
  const waiting = status ? status.state?.waiting : { reason: "ContainerCreating" };
  if (waiting && !lastTerminated) {
    throw errors.badRequest(
      `container "${container}" in pod "${name}" is waiting to start: ${waiting.reason ?? "ContainerCreating"}`,
    );
  }
}

function get(
  target: { url: string },
  path: string,
): Promise<{ req: http.ClientRequest; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    // A node that is down may swallow packets: give up on its kubelet's answer after a while.
    const timer = setTimeout(() => req.destroy(new Error("no answer in time")), KUBELET_ANSWER_MS);
    const req = http.get(`${target.url}${path}`, (res) => {
      clearTimeout(timer);
      resolve({ req, res });
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(unreachable(`${target.url}${path}`, err));
    });
  });
}

interface Dialed {
  backend: WebSocket;
  /** Frames the kubelet sent before the client was accepted (they may come with the handshake). */
  early: { data: RawData; binary: boolean }[];
  hold: (data: RawData, binary: boolean) => void;
}

function dial(url: string, protocol: string): Promise<Dialed> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [protocol], {
      perMessageDeflate: false,
      handshakeTimeout: KUBELET_ANSWER_MS,
    });
    const early: Dialed["early"] = [];
    const hold = (data: RawData, binary: boolean) => early.push({ data, binary });
    ws.on("message", hold);
    ws.once("open", () => resolve({ backend: ws, early, hold }));
    ws.once("unexpected-response", (_req, res) => {
      kubeletError(res, url).then(reject, reject);
    });
    ws.once("error", (err) => reject(unreachable(url, err)));
  });
}

/** Frames both ways until either side closes; the close of one closes the other. */
function relay(client: WebSocket, backend: WebSocket, early: { data: RawData; binary: boolean }[]): void {
  for (const m of early) client.send(m.data, { binary: m.binary });
  backend.on("message", (data, binary) => client.readyState === client.OPEN && client.send(data, { binary }));
  client.on(
    "message",
    (data, binary) => backend.readyState === backend.OPEN && backend.send(data, { binary }),
  );
  const closeOther = (other: WebSocket) => (code: number, reason: Buffer) => {
    if (other.readyState === other.OPEN) other.close(validCloseCode(code), reason);
    else if (other.readyState === other.CONNECTING) other.terminate();
  };
  backend.on("close", closeOther(client));
  client.on("close", closeOther(backend));
  backend.on("error", () => client.terminate());
  client.on("error", () => backend.terminate());
  // The command may have finished (its Status among the early frames) before the client got here.
  if (backend.readyState !== backend.OPEN) client.close(1000);
}

/** 1005/1006 are reported, never sent. */
function validCloseCode(code: number): number {
  return code === 1005 || code === 1006 || code < 1000 ? 1000 : code;
}

/** The kubelet's refusal as the client will see it: its own Status when it sent one. */
async function kubeletError(res: IncomingMessage, url: string): Promise<StatusError> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  const code = res.statusCode ?? 500;
  try {
    const status = JSON.parse(text) as { kind?: string; message?: string; reason?: string; code?: number };
    if (status.kind === "Status" && status.message) {
      return new StatusError(code, (status.reason ?? "InternalError") as never, status.message);
    }
  } catch {}
  return new StatusError(
    code,
    "InternalError",
    `the kubelet at ${url} answered ${code}: ${text.slice(0, 200)}`,
  );
}

function unreachable(url: string, err: Error): StatusError {
  const code = (err as { code?: string }).code;
  return new StatusError(503, "ServiceUnavailable", `Get "${url}": ${code ? `${code}: ` : ""}${err.message}`);
}

function pick(query: URLSearchParams, names: string[]): string {
  const out = new URLSearchParams();
  for (const name of names) for (const v of query.getAll(name)) out.append(name, v);
  const text = out.toString();
  return text ? `?${text}` : "";
}

const enc = encodeURIComponent;

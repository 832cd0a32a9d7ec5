import http from "node:http";
import type { ProbeOutcome } from "./probe-outcome.js";

export interface HttpGetRequest {
  host: string;
  port: number;
  /** Path with query, as the probe spec names it ("/healthz"). */
  path: string;
  headers: { name: string; value: string }[];
  timeoutMs: number;
  /** kube-probe/1.32 for probes, kube-lifecycle/1.32 for hooks, unless the headers set one. */
  userAgent: string;
}

/** Kubernetes reads at most this much of a probe's response body. */
const MAX_BODY = 10 * 1024;
const MAX_REDIRECTS = 10;

/**
 * One HTTP GET the way Kubernetes' HTTP prober does it (pkg/probe/http): 200–399 is success,
 * anything else a failure saying the status code, a transport error a failure saying Go's text
 * of it. Redirects to the same host are followed (at most 10); a redirect elsewhere is not, and
 * counts as a success with a warning. Only scheme HTTP: HTTPS would need the pod's certificates
 * skipped, which Kubernetes does and we do not yet.
 */
export async function httpGet(req: HttpGetRequest): Promise<ProbeOutcome> {
  let url = new URL(
    `http://${hostPort(req.host, req.port)}${req.path.startsWith("/") ? "" : "/"}${req.path}`,
  );
  const deadline = Date.now() + req.timeoutMs;
  for (let hop = 0; ; hop++) {
    const res = await get(url, req, Math.max(1, deadline - Date.now()));
    if (!res.ok) return { result: "failure", output: `Get "${url.href}": ${res.error}` };
    const { status, location, body } = res;
    if (status >= 300 && status < 400 && location) {
      const next = new URL(location, url);
      if (next.hostname !== url.hostname) {
        return {
          result: "warning",
          output: `Probe terminated redirects, Response body: ${body}`,
          statusCode: status,
        };
      }
      if (hop + 1 >= MAX_REDIRECTS) {
        return { result: "failure", output: `Get "${next.href}": stopped after ${MAX_REDIRECTS} redirects` };
      }
      url = next;
      continue;
    }
    if (status >= 200 && status < 400) return { result: "success", output: body, statusCode: status };
    return { result: "failure", output: `HTTP probe failed with statuscode: ${status}`, statusCode: status };
  }
}

type Response = { ok: true; status: number; location?: string; body: string } | { ok: false; error: string };

function get(url: URL, req: HttpGetRequest, timeoutMs: number): Promise<Response> {
  const headers: Record<string, string> = {};
  for (const h of req.headers) headers[h.name] = h.value;
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  if (!has("user-agent")) headers["User-Agent"] = req.userAgent;
  if (!has("accept")) headers.Accept = "*/*";
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Response) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const request = http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (size < MAX_BODY) chunks.push(chunk.subarray(0, MAX_BODY - size));
        size += chunk.length;
      });
      res.on("end", () =>
        done({
          ok: true,
          status: res.statusCode ?? 0,
          ...(res.headers.location ? { location: res.headers.location } : {}),
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", (err) => done({ ok: false, error: err.message }));
    });
    const timer = setTimeout(() => {
      done({
        ok: false,
        error: "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
      });
      request.destroy();
    }, timeoutMs);
    request.on("error", (err: NodeJS.ErrnoException) => done({ ok: false, error: dialError(err, url) }));
  });
}

/** Node's connect errors in Go's words: "dial tcp 10.0.0.5:8080: connect: connection refused". */
export function dialError(
  err: NodeJS.ErrnoException,
  where: { hostname: string; port: string } | string,
): string {
  const addr = typeof where === "string" ? where : hostPort(where.hostname, Number(where.port || 80));
  switch (err.code) {
    case "ECONNREFUSED":
      return `dial tcp ${addr}: connect: connection refused`;
    case "EHOSTUNREACH":
      return `dial tcp ${addr}: connect: no route to host`;
    case "ENETUNREACH":
      return `dial tcp ${addr}: connect: network is unreachable`;
    case "ECONNRESET":
      return "read: connection reset by peer";
    default:
      return err.message;
  }
}

export function hostPort(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

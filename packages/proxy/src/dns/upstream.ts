import { createSocket } from "node:dgram";
import { readFile } from "node:fs/promises";

/** The nameservers in a resolv.conf, in order. */
export function parseNameservers(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m?.[1]) out.push(m[1]);
  }
  return out;
}

export async function hostNameservers(path = "/etc/resolv.conf"): Promise<string[]> {
  try {
    return parseNameservers(await readFile(path, "utf8"));
  } catch {
    return [];
  }
}

/**
 * Asks each upstream in turn (UDP, port 53 unless `host:port`), each within `timeoutMs`, and
 * returns the first reply as it came; undefined when none answers (the caller says SERVFAIL).
 * The reply is relayed untouched, so its id already matches the client's query.
 */
export async function forward(
  query: Buffer,
  upstreams: string[],
  timeoutMs: number,
): Promise<Buffer | undefined> {
  for (const upstream of upstreams) {
    const [host, port] = splitHostPort(upstream);
    const reply = await askOnce(query, host, port, timeoutMs);
    if (reply) return reply;
  }
  return undefined;
}

function splitHostPort(s: string): [string, number] {
  const m = /^([\d.]+):(\d+)$/.exec(s);
  return m ? [m[1] as string, Number(m[2])] : [s, 53];
}

function askOnce(query: Buffer, host: string, port: number, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
    const done = (reply: Buffer | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on("error", () => done(undefined));
    socket.on("message", (msg) => {
      // A stray datagram with another id is not our answer.
      if (msg.length >= 2 && msg.readUInt16BE(0) === query.readUInt16BE(0)) done(msg);
    });
    socket.send(query, port, host, (err) => {
      if (err) done(undefined);
    });
  });
}

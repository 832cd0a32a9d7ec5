import { createHash } from "node:crypto";
import type { Endpoint, ServicePort } from "../service-map.js";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 of the leading bytes, enough for `chars` characters. */
function base32(bytes: Buffer, chars: number): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length >= chars) break;
  }
  return out;
}

/**
 * The idea of kube-proxy's chain names: a stable hash (sha256, base32, 16 characters) of what
 * the chain stands for, so the name stays under iptables' 28-character limit and the same
 * service port always maps to the same chain across restarts.
 */
function hashed(prefix: string, what: string): string {
  return `${prefix}${base32(createHash("sha256").update(what).digest(), 16)}`;
}

/** The chain of one service port: `KUBE-SVC-<hash of ns/name:port + protocol>`. */
export function serviceChain(sp: Pick<ServicePort, "key" | "protocol">): string {
  return hashed("KUBE-SVC-", `${sp.key}${sp.protocol.toLowerCase()}`);
}

/** The chain of one endpoint of one service port: `KUBE-SEP-<hash>`. */
export function endpointChain(sp: Pick<ServicePort, "key" | "protocol">, ep: Endpoint): string {
  return hashed("KUBE-SEP-", `${sp.key}${sp.protocol.toLowerCase()}${ep.ip}:${ep.port}`);
}

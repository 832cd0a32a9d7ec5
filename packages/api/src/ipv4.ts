/** IPv4 addresses and CIDR ranges as numbers: what the service allocator, the node IPAM and the network code share. */

export function ipToNumber(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export interface Cidr {
  /** The network address as a number (host bits cleared). */
  base: number;
  prefix: number;
  /** How many addresses the range holds, network and broadcast included. */
  size: number;
}

/** Parses `a.b.c.d/n`; undefined when it is not one. */
export function parseCidr(cidr: string): Cidr | undefined {
  const [address, bits, extra] = cidr.split("/");
  if (extra !== undefined || bits === undefined || !/^\d{1,2}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  const n = ipToNumber(address ?? "");
  if (n === undefined || prefix > 32) return undefined;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (n & mask) >>> 0, prefix, size: 2 ** (32 - prefix) };
}

export function formatCidr(c: Cidr): string {
  return `${numberToIp(c.base)}/${c.prefix}`;
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const n = ipToNumber(ip);
  return n !== undefined && n >= c.base && n < c.base + c.size;
}

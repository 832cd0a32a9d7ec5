import { ipToNumber, numberToIp } from "@minik8s/api/ipv4";

/**
 * Hands out Service ClusterIPs from the service CIDR (default 10.96.0.0/12), as Kubernetes'
 * ipallocator does: never the network or broadcast address, `.1` reserved for the `kubernetes`
 * Service, no address twice. Kubernetes keeps the bitmap in etcd so several apiservers share it;
 * with one apiserver we rebuild it from the stored Services at start, which says the same thing.
 */
export class IpAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(readonly cidr: string) {
    const [address, bits] = cidr.split("/");
    const prefix = Number(bits);
    const base = ipToNumber(address ?? "");
    if (base === undefined || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) {
      throw new Error(`invalid service CIDR ${JSON.stringify(cidr)}: want an IPv4 range from /8 to /30`);
    }
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    this.base = (base & mask) >>> 0;
    this.size = 2 ** (32 - prefix);
  }

  /** The first usable address: the `kubernetes` Service's. */
  get first(): string {
    return numberToIp(this.base + 1);
  }

  contains(ip: string): boolean {
    const n = ipToNumber(ip);
    return n !== undefined && n > this.base && n < this.base + this.size - 1;
  }

  /** Claim a specific address (a Service that asks for one, or one found at start). */
  claim(ip: string): boolean {
    const n = ipToNumber(ip);
    if (n === undefined || !this.contains(ip) || this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }

  /** The next free address, scanning on from the last one given so freed ones are reused late. */
  allocate(): string | undefined {
    const usable = this.size - 2;
    for (let i = 0; i < usable; i++) {
      const offset = ((this.next + i) % usable) + 1;
      const n = this.base + offset;
      if (!this.used.has(n)) {
        this.used.add(n);
        this.next = offset;
        return numberToIp(n);
      }
    }
    return undefined;
  }

  release(ip: string): void {
    const n = ipToNumber(ip);
    if (n !== undefined) this.used.delete(n);
  }
}

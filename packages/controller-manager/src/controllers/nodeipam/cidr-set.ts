import { type Cidr, formatCidr, parseCidr } from "@minik8s/api/ipv4";

/**
 * The cluster CIDR cut into equal node CIDRs, each handed out at most once (Kubernetes'
 * pkg/controller/nodeipam/ipam/cidrset). Allocation is next-fit: it goes on from the last one
 * handed out, so a CIDR just released is not at once given to the next node (its routes may
 * still be on their way out).
 */
export class CidrSet {
  private readonly used = new Set<number>();
  private next = 0;

  private constructor(
    readonly cluster: Cidr,
    readonly maskSize: number,
    /** How many node CIDRs the cluster CIDR holds. */
    readonly capacity: number,
  ) {}

  /** `10.244.0.0/16` cut into /`maskSize`; an Error when the two do not fit together. */
  static create(clusterCIDR: string, maskSize: number): CidrSet | Error {
    const cluster = parseCidr(clusterCIDR);
    if (!cluster) return new Error(`cluster CIDR ${JSON.stringify(clusterCIDR)} is not an IPv4 CIDR`);
    if (!Number.isInteger(maskSize) || maskSize < cluster.prefix || maskSize > 30) {
      return new Error(
        `node CIDR mask size ${maskSize} must lie between the cluster CIDR's /${cluster.prefix} and /30`,
      );
    }
    // Kubernetes refuses more than 2^16 node CIDRs; so do we (the set stays small).
    if (maskSize - cluster.prefix > 16) {
      return new Error(`node CIDR mask size ${maskSize} cuts ${clusterCIDR} into more than 65536 CIDRs`);
    }
    return new CidrSet(cluster, maskSize, 2 ** (maskSize - cluster.prefix));
  }

  /** The next free node CIDR, marked used; undefined when all are taken. */
  allocateNext(): string | undefined {
    for (let i = 0; i < this.capacity; i++) {
      const candidate = (this.next + i) % this.capacity;
      if (this.used.has(candidate)) continue;
      this.used.add(candidate);
      this.next = (candidate + 1) % this.capacity;
      return this.format(candidate);
    }
    return undefined;
  }

  /**
   * Marks a CIDR some node already holds as used (rebuilding the set from the Nodes at start).
   * An Error when it is not one of this set's node CIDRs.
   */
  occupy(cidr: string): Error | undefined {
    const index = this.indexOf(cidr);
    if (typeof index !== "number") return index;
    this.used.add(index);
    return undefined;
  }

  release(cidr: string): void {
    const index = this.indexOf(cidr);
    if (typeof index === "number") this.used.delete(index);
  }

  isUsed(cidr: string): boolean {
    const index = this.indexOf(cidr);
    return typeof index === "number" && this.used.has(index);
  }

  get usedCount(): number {
    return this.used.size;
  }

  private format(index: number): string {
    const blockSize = 2 ** (32 - this.maskSize);
    return formatCidr({
      base: this.cluster.base + index * blockSize,
      prefix: this.maskSize,
      size: blockSize,
    });
  }

  private indexOf(cidr: string): number | Error {
    const c = parseCidr(cidr);
    if (!c) return new Error(`${JSON.stringify(cidr)} is not an IPv4 CIDR`);
    const blockSize = 2 ** (32 - this.maskSize);
    const offset = c.base - this.cluster.base;
    if (c.prefix !== this.maskSize || offset < 0 || offset >= this.cluster.size || offset % blockSize !== 0) {
      return new Error(`${cidr} is not a /${this.maskSize} of the cluster CIDR ${formatCidr(this.cluster)}`);
    }
    return offset / blockSize;
  }
}

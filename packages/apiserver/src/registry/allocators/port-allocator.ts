/**
 * Hands out NodePorts from a range (default 30000-32767) without duplicates, as Kubernetes'
 * portallocator does. Like the IP allocator, its state is rebuilt from the stored Services.
 */
export class PortAllocator {
  private readonly used = new Set<number>();
  private next: number;

  constructor(
    readonly min = 30000,
    readonly max = 32767,
  ) {
    this.next = min;
  }

  contains(port: number): boolean {
    return Number.isInteger(port) && port >= this.min && port <= this.max;
  }

  claim(port: number): boolean {
    if (!this.contains(port) || this.used.has(port)) return false;
    this.used.add(port);
    return true;
  }

  allocate(): number | undefined {
    const size = this.max - this.min + 1;
    for (let i = 0; i < size; i++) {
      const port = this.min + ((this.next - this.min + i) % size);
      if (!this.used.has(port)) {
        this.used.add(port);
        this.next = port + 1 > this.max ? this.min : port + 1;
        return port;
      }
    }
    return undefined;
  }

  release(port: number): void {
    this.used.delete(port);
  }
}

// An allocation map over the offsets 0..size-1 of a range (a service CIDR's addresses, a node-port range), as
// upstream's allocator.bitmap: dynamic picks are random, taken first from the upper band so that the lower, "static"
// band stays free for values users choose themselves (KEP-3070 for ClusterIPs, KEP-3668 for NodePorts).

export class RangeAllocator {
  private readonly used: Uint8Array;
  private count = 0;

  /**
   * @param size the number of offsets
   * @param staticBand the offsets below it are handed out dynamically only once the upper band is full
   * @param first the lowest offset ever handed out dynamically (a CIDR's network address is never an address)
   * @param last the highest (the broadcast address is never one)
   */
  constructor(
    readonly size: number,
    private readonly staticBand: number,
    private readonly first = 0,
    private readonly last = size - 1,
    private readonly random: () => number = Math.random,
  ) {
    this.used = new Uint8Array(size);
  }

  has(offset: number): boolean {
    return this.used[offset] === 1;
  }

  /** Marks a chosen offset taken; false when it already was. */
  allocate(offset: number): boolean {
    if (offset < 0 || offset >= this.size || this.used[offset]) return false;
    this.used[offset] = 1;
    this.count++;
    return true;
  }

  /** A random free offset of the upper band, else of the lower one; undefined when the range is full. */
  allocateNext(): number | undefined {
    const band = Math.max(this.first, Math.min(this.staticBand, this.last + 1));
    const picked = this.scan(band, this.last) ?? this.scan(this.first, band - 1);
    if (picked !== undefined) this.allocate(picked);
    return picked;
  }

  release(offset: number): void {
    if (offset < 0 || offset >= this.size || !this.used[offset]) return;
    this.used[offset] = 0;
    this.count--;
  }

  /** How many offsets are taken. */
  allocated(): number {
    return this.count;
  }

  /** From a random start in [lo, hi], the first free offset, wrapping around (upstream's randomScanStrategy). */
  private scan(lo: number, hi: number): number | undefined {
    const n = hi - lo + 1;
    if (n <= 0) return undefined;
    const start = Math.floor(this.random() * n);
    for (let i = 0; i < n; i++) {
      const offset = lo + ((start + i) % n);
      if (!this.used[offset]) return offset;
    }
    return undefined;
  }
}

/** The static band of a range of `size` values: size/step bounded to [min, max], none for tiny ranges (upstream). */
export function staticBandSize(size: number, { min, max, step }: { min: number; max: number; step: number }): number {
  if (size < min) return 0;
  return Math.max(min, Math.min(max, Math.floor(size / step)));
}

/** ClusterIPs: min(max(16, size/16), 256) addresses (ipallocator's calculateRangeOffset). */
export const CLUSTER_IP_BAND = { min: 16, max: 256, step: 16 };
/** NodePorts: min(max(16, size/32), 128) ports (portallocator's calculateRangeOffset). */
export const NODE_PORT_BAND = { min: 16, max: 128, step: 32 };

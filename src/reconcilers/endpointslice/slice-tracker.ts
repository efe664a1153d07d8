// The EndpointSliceTracker (staging endpointslice/endpointslice_tracker.go): what this controller last wrote for each
// service, so that a sync does not act on a cache that has not yet seen its own writes (it would create twice), and so
// that the informer's echo of those writes does not queue the service again. resourceVersions stand in for upstream's
// generations (the store's are increasing integers).
import type { KObject } from '../../machinery/api/meta.js';

const rv = (o: KObject): bigint => {
  try {
    return BigInt(o.metadata.resourceVersion ?? '0');
  } catch {
    return 0n;
  }
};

/** A deletion is recorded as this: any cached copy is stale. */
const DELETED = -1n;

export class SliceTracker {
  /** service key → slice name → resourceVersion written (DELETED once deleted). */
  private written = new Map<string, Map<string, bigint>>();

  private of(serviceKey: string) {
    let m = this.written.get(serviceKey);
    if (!m) this.written.set(serviceKey, (m = new Map()));
    return m;
  }

  /** Update: a slice this controller created or updated, as the server returned it. */
  wrote(serviceKey: string, slice: KObject): void {
    this.of(serviceKey).set(slice.metadata.name!, rv(slice));
  }

  /** MarkForDeletion. */
  deleted(serviceKey: string, slice: KObject): void {
    this.of(serviceKey).set(slice.metadata.name!, DELETED);
  }

  /** StaleSlices: the cache misses a write of ours, or still holds a slice we deleted. */
  stale(serviceKey: string, cached: KObject[]): boolean {
    const m = this.written.get(serviceKey);
    if (!m) return false;
    const byName = new Map(cached.map((s) => [s.metadata.name!, s]));
    for (const [name, v] of m) {
      const c = byName.get(name);
      if (v === DELETED ? c !== undefined : !c || rv(c) < v) return true;
    }
    return false;
  }

  /** HandleDeletion: the cache saw the slice go; true when this controller deleted it (nothing to sync for that). */
  observedDeletion(serviceKey: string, slice: KObject): boolean {
    const m = this.written.get(serviceKey);
    const v = m?.get(slice.metadata.name!);
    m?.delete(slice.metadata.name!);
    return v === DELETED;
  }

  /** ShouldSync: an informer event that is not the echo of this controller's own write. */
  isOwnWrite(serviceKey: string, slice: KObject): boolean {
    const v = this.written.get(serviceKey)?.get(slice.metadata.name!);
    return v !== undefined && v !== DELETED && v === rv(slice);
  }

  deleteService(serviceKey: string): void {
    this.written.delete(serviceKey);
  }
}

// The watch cache's keys in order, so that a prefix (a resource, a namespace) and a continue key are a binary search
// away and a page is a slice, as the apiserver's watch cache keeps its store sorted for LIST.

export class SortedKeys {
  private keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** Index of the first key >= key. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }

  remove(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  /** Replaces every key (already sorted, as a store lists them). */
  reset(sorted: string[]): void {
    this.keys = sorted.slice();
  }

  /** Keys that start with prefix and sort after `startAfter` (when given), in order. */
  range(prefix: string, startAfter?: string): string[] {
    let i = this.lowerBound(prefix);
    if (startAfter !== undefined && startAfter >= prefix) {
      i = Math.max(i, this.lowerBound(startAfter));
      if (this.keys[i] === startAfter) i++;
    }
    const out: string[] = [];
    for (; i < this.keys.length && this.keys[i]!.startsWith(prefix); i++) out.push(this.keys[i]!);
    return out;
  }
}

// Owners found missing (or replaced under the same name by another uid). A uid never comes back, so the answer
// stays true; the cache only saves a store read per dependent when many share one deleted owner.
const LIMIT = 10_000;

export class AbsentOwners {
  private seen = new Set<string>();

  has(namespace: string | undefined, uid: string): boolean {
    return this.seen.has(`${namespace ?? ''}/${uid}`);
  }

  add(namespace: string | undefined, uid: string): void {
    if (this.seen.size >= LIMIT) this.seen.clear(); // bounded; forgetting only costs a re-read
    this.seen.add(`${namespace ?? ''}/${uid}`);
  }
}

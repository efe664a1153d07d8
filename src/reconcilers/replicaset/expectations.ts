// ControllerExpectations / UIDTrackingControllerExpectations (controller_utils): after creating or deleting pods, a
// controller waits until its informer has seen each of them before it acts on that owner again, so it never creates
// twice while its own creations are still arriving through the watch. Expectations older than five minutes are
// given up on (a lost event must not stall an owner forever).
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Expectation {
  adds: number;
  /** Keys (namespace/name) of pods we deleted and have not yet seen go. */
  deletes: Set<string>;
  at: number;
}

export class Expectations {
  private byOwner = new Map<string, Expectation>();
  constructor(private now: () => number = Date.now) {}

  /** SatisfiedExpectations: nothing recorded, everything observed, or given up after the timeout. */
  satisfied(owner: string): boolean {
    const e = this.byOwner.get(owner);
    if (!e) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return this.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  expectCreations(owner: string, n: number): void {
    this.byOwner.set(owner, { adds: n, deletes: new Set(), at: this.now() });
  }

  expectDeletions(owner: string, podKeys: string[]): void {
    this.byOwner.set(owner, { adds: 0, deletes: new Set(podKeys), at: this.now() });
  }

  /** SetExpectations: creations and deletions awaited together (the DaemonSet controller does both in one sync). */
  expect(owner: string, adds: number, podKeys: string[]): void {
    this.byOwner.set(owner, { adds, deletes: new Set(podKeys), at: this.now() });
  }

  /** One creation seen (or given up on, for a create that failed or was skipped). */
  creationObserved(owner: string): void {
    const e = this.byOwner.get(owner);
    if (e) e.adds--;
  }

  /** A deletion seen: counts once per pod, however many events report it. */
  deletionObserved(owner: string, podKey: string): void {
    this.byOwner.get(owner)?.deletes.delete(podKey);
  }

  delete(owner: string): void {
    this.byOwner.delete(owner);
  }

  /** What is still awaited, for logs and tests. */
  pending(owner: string): { adds: number; deletes: number } | undefined {
    const e = this.byOwner.get(owner);
    return e && { adds: e.adds, deletes: e.deletes.size };
  }
}

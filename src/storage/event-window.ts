// The in-memory window of recent changes that watches resume from (Kubernetes' watch cache role).
import type { StoreEvent, Watcher } from './store.js';
import { RevisionTooOldError } from './store.js';

interface Subscription { prefix: string; onEvent: (e: StoreEvent) => void; active: boolean }

export class EventWindow {
  private events: StoreEvent[] = [];
  private head = 0; // index of the oldest kept event
  private subs = new Set<Subscription>();

  /** @param startRevision revision before the first event this window will see */
  constructor(private capacity: number, private startRevision: number) {}

  /** Oldest revision a watch may start from (events after it are all kept). */
  oldest(): number {
    return this.head < this.events.length ? this.events[this.head].rv - 1 : this.startRevision;
  }

  publish(e: StoreEvent): void {
    this.events.push(e);
    if (this.events.length - this.head > this.capacity) {
      this.startRevision = this.events[this.head].rv;
      this.head++;
      if (this.head > this.capacity) { this.events = this.events.slice(this.head); this.head = 0; }
    }
    for (const s of this.subs) if (s.active && e.key.startsWith(s.prefix)) s.onEvent(e);
  }

  subscribe(prefix: string, fromRv: number, currentRv: number, onEvent: (e: StoreEvent) => void): Watcher {
    if (fromRv < this.oldest() && fromRv < currentRv) throw new RevisionTooOldError(fromRv, this.oldest());
    const sub: Subscription = { prefix, onEvent, active: true };
    for (let i = this.head; i < this.events.length; i++) {
      const e = this.events[i];
      if (e.rv > fromRv && e.key.startsWith(prefix)) onEvent(e);
    }
    this.subs.add(sub);
    return { stop: () => { sub.active = false; this.subs.delete(sub); } };
  }

  watcherCount(): number { return this.subs.size; }
}

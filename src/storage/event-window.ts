// The in-memory window of recent changes that watches resume from (the watch cache's event buffer, cacher/), bounded
// both by the number of events and by their estimated size, so that a few big objects written often cannot fill the heap.
import type { KObject } from '../machinery/api/meta.js';
import type { EventSize, StoreEvent, Watcher } from './store.js';
import { RevisionTooOldError } from './store.js';

export type { EventSize } from './store.js';

/** Default bounds (see README "Limits"): 20,000 events, and 128 MiB of their JSON. */
export const DEFAULT_WATCH_CACHE_EVENTS = 20_000;
export const DEFAULT_WATCH_CACHE_BYTES = 128 * 1024 * 1024;

export interface WindowLimits {
  /** At most this many events are kept. */
  maxEvents: number;
  /** At most this many bytes of events are kept (by the estimate callers give to publish). */
  maxBytes: number;
}

interface Entry {
  event: StoreEvent;
  /** Bytes this entry is charged for: its object, and its prevObject unless an older entry holds that one. */
  bytes: number;
  objectBytes: number;
  /** A newer entry whose prevObject is this entry's object: it takes over the charge when this one goes. */
  prevOf?: Entry;
}

interface Subscription {
  prefix: string;
  onEvent: (e: StoreEvent) => void;
  onClose?: () => void;
  active: boolean;
}

export class EventWindow {
  private entries: (Entry | undefined)[] = [];
  private head = 0; // index of the oldest kept entry; slots before it are emptied
  private bytes = 0;
  /** The newest kept entry per key, so the next change of that key can share its object as prevObject. */
  private newest = new Map<string, Entry>();
  private subs = new Set<Subscription>();

  /** @param startRevision revision before the first event this window will see */
  constructor(
    private limits: WindowLimits,
    private startRevision: number,
  ) {}

  /** Oldest revision a watch may start from (events after it are all kept). */
  oldest(): number {
    return this.head < this.entries.length ? this.entries[this.head]!.event.rv - 1 : this.startRevision;
  }

  /**
   * The object of the newest kept event of `key` when it is still at revision `rv`: the store uses it as the next
   * event's prevObject, so that one object, not two equal copies, stays in the window.
   */
  current(key: string, rv: number): KObject | undefined {
    const e = this.newest.get(key)?.event;
    return e && e.rv === rv && e.type !== 'DELETED' ? e.object : undefined;
  }

  publish(e: StoreEvent, size: EventSize): void {
    const before = this.newest.get(e.key);
    const shared = !!e.prevObject && before?.event.object === e.prevObject;
    const entry: Entry = { event: e, objectBytes: size.object, bytes: size.object + (shared ? 0 : (size.prevObject ?? 0)) };
    if (shared) before!.prevOf = entry;
    this.entries.push(entry);
    this.newest.set(e.key, entry);
    this.bytes += entry.bytes;
    while (
      this.head < this.entries.length &&
      (this.entries.length - this.head > this.limits.maxEvents || this.bytes > this.limits.maxBytes)
    ) {
      this.evictOldest();
    }
    for (const s of this.subs) if (s.active && e.key.startsWith(s.prefix)) s.onEvent(e);
  }

  private evictOldest(): void {
    const gone = this.entries[this.head]!;
    this.entries[this.head] = undefined; // the slot must not keep the event alive until compaction
    this.head++;
    this.startRevision = gone.event.rv;
    this.bytes -= gone.bytes;
    if (gone.prevOf) {
      gone.prevOf.bytes += gone.objectBytes;
      this.bytes += gone.objectBytes;
    }
    if (this.newest.get(gone.event.key) === gone) this.newest.delete(gone.event.key);
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** @param onClose called if the window ends the subscription itself (closeAll), not after stop() */
  subscribe(prefix: string, fromRv: number, currentRv: number, onEvent: (e: StoreEvent) => void, onClose?: () => void): Watcher {
    if (fromRv < this.oldest() && fromRv < currentRv) throw new RevisionTooOldError(fromRv, this.oldest());
    const sub: Subscription = { prefix, onEvent, onClose, active: true };
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i]!.event;
      if (e.rv > fromRv && e.key.startsWith(prefix)) onEvent(e);
    }
    this.subs.add(sub);
    return {
      stop: () => {
        sub.active = false;
        this.subs.delete(sub);
      },
    };
  }

  /**
   * Kept events with a revision above `rv`, newest first: undone one by one from the current state they give the
   * state at `rv` (a list at an older revision). The caller checks that `rv` is not older than oldest().
   */
  newestFirstAfter(rv: number): StoreEvent[] {
    const out: StoreEvent[] = [];
    for (let i = this.entries.length - 1; i >= this.head && this.entries[i]!.event.rv > rv; i--) out.push(this.entries[i]!.event);
    return out;
  }

  /** Ends every subscription: what they follow is gone (the watch cache listed its store again). */
  closeAll(): void {
    const subs = [...this.subs];
    this.subs.clear();
    for (const s of subs) {
      s.active = false;
      s.onClose?.();
    }
  }

  watcherCount(): number {
    return this.subs.size;
  }

  /** What the window holds now: events and their estimated bytes. */
  usage(): { events: number; bytes: number } {
    return { events: this.entries.length - this.head, bytes: this.bytes };
  }
}

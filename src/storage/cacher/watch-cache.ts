// The watch cache (the apiserver's cacher, pkg/storage/cacher): every object of the store in memory, kept current by
// one watch on the store, with the window of recent events that watches resume from. GET, LIST (at the current
// revision, or at an older one still inside the window, for continue tokens) and watch are served from here; writes go
// to the store, and a read waits until the cache has seen the store's current revision, so a read after a write sees it.
// Objects are deeply frozen and shared: no reader can change what another reads.
import type { KObject } from '../../machinery/api/meta.js';
import { DEFAULT_WATCH_CACHE_BYTES, DEFAULT_WATCH_CACHE_EVENTS, EventWindow, type WindowLimits } from '../event-window.js';
import { CompactedError, FutureRevisionError, type EventSize, type Store, type StoreEvent, type Watcher } from '../store.js';
import { frozenCopy } from './frozen.js';
import { SortedKeys } from './sorted-keys.js';

interface Cached {
  object: KObject;
  /** stored JSON size, what the window charges when this is a prevObject */ bytes: number;
}

export interface CachedList {
  keys: string[];
  items: KObject[];
  revision: number;
}

/** How long a read waits for the cache to catch up with the store (the apiserver's 3 s) before it fails. */
const FRESHNESS_TIMEOUT_MS = 3000;

export class WatchCache {
  private objects = new Map<string, Cached>();
  private keys = new SortedKeys();
  private window: EventWindow;
  private rev = 0;
  private stream?: Watcher;
  private closed = false;
  private readonly started: Promise<void>;
  private isStarted = false;
  private waiters: { rev: number; resolve: () => void }[] = [];
  private limits: WindowLimits;

  constructor(
    private store: Store,
    limits: Partial<WindowLimits> = {},
  ) {
    this.limits = { maxEvents: limits.maxEvents ?? DEFAULT_WATCH_CACHE_EVENTS, maxBytes: limits.maxBytes ?? DEFAULT_WATCH_CACHE_BYTES };
    this.window = new EventWindow(this.limits, 0);
    this.started = this.relist().then(() => {
      this.isStarted = true;
    });
  }

  /** Lists everything, then watches from that revision; a watch that finds its start compacted lists again. */
  private async relist(): Promise<void> {
    while (!this.closed) {
      const { items, keys, revision } = await this.store.list('');
      this.objects = new Map();
      for (let i = 0; i < items.length; i++) {
        this.objects.set(keys[i]!, { object: frozenCopy(items[i]!), bytes: JSON.stringify(items[i]).length });
      }
      this.keys.reset(keys);
      this.rev = revision;
      // Watches of the old state cannot go on across a re-list: they are ended (the apiserver terminates them too) and
      // their clients watch again from the new window, which starts here, or get 410 and list again.
      this.window.closeAll();
      this.window = new EventWindow(this.limits, revision);
      let establishing = true;
      let compacted = false;
      this.stream = this.store.watch('', revision, {
        onEvent: (e, size) => this.apply(e, size),
        // Compacted at once: list again here; later (a backend that lost its history under us): list again then.
        onCompacted: () => {
          if (establishing) compacted = true;
          else void this.restart();
        },
      });
      establishing = false;
      this.settleWaiters();
      if (!compacted) return;
    }
  }

  private async restart(): Promise<void> {
    this.stream?.stop(); // closed by the store after a compaction already; stopped here in case it is not
    this.stream = undefined;
    try {
      await this.relist();
    } catch {
      /* the store is closing: nothing to follow */
    }
  }

  private apply(e: StoreEvent, size: EventSize): void {
    const prev = this.objects.get(e.key);
    let event: StoreEvent;
    if (e.type === 'DELETED') {
      // The deleted state is the last one with the deletion's revision: it shares everything else with it.
      const last = prev?.object ?? frozenCopy(e.object);
      const object = Object.freeze({ ...last, metadata: Object.freeze({ ...last.metadata, resourceVersion: String(e.rv) }) }) as KObject;
      this.objects.delete(e.key);
      this.keys.remove(e.key);
      event = { type: 'DELETED', key: e.key, rv: e.rv, object, prevObject: prev?.object };
      this.rev = e.rv;
      this.window.publish(event, { object: prev?.bytes ?? size.object, prevObject: prev?.bytes ?? size.prevObject });
    } else {
      const object = frozenCopy(e.object);
      this.objects.set(e.key, { object, bytes: size.object });
      if (!prev) this.keys.insert(e.key);
      event = { type: prev ? 'MODIFIED' : 'ADDED', key: e.key, rv: e.rv, object, prevObject: prev?.object };
      this.rev = e.rv;
      this.window.publish(event, { object: size.object, prevObject: prev?.bytes });
    }
    this.settleWaiters();
  }

  private settleWaiters(): void {
    if (!this.waiters.length) return;
    const ready = this.waiters.filter((w) => w.rev <= this.rev);
    if (!ready.length) return;
    this.waiters = this.waiters.filter((w) => w.rev > this.rev);
    for (const w of ready) w.resolve();
  }

  /** Waits until the cache has seen the store's current revision (the consistent read of the apiserver's cacher). */
  private async fresh(): Promise<void> {
    if (!this.isStarted) await this.started;
    const current = await this.store.currentRevision();
    if (this.rev >= current) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        rev: current,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`watch cache did not reach revision ${current} in time (at ${this.rev})`));
      }, FRESHNESS_TIMEOUT_MS);
      this.waiters.push(waiter);
    });
  }

  /** Resolves once the initial list is in. */
  ready(): Promise<void> {
    return this.started;
  }

  /** The revision the cache is at. */
  revision(): number {
    return this.rev;
  }

  /** Oldest revision a watch can resume from, or a list be read at. */
  oldestRevision(): number {
    return this.window.oldest();
  }

  async get(key: string): Promise<KObject | undefined> {
    await this.fresh();
    return this.objects.get(key)?.object;
  }

  /**
   * Objects under prefix after `startAfter`, in key order, at `revision` (default: the cache's). An older revision is
   * read back through the window's events; one older than the window throws CompactedError.
   */
  async list(prefix: string, opts: { startAfter?: string; revision?: number } = {}): Promise<CachedList> {
    await this.fresh();
    const revision = opts.revision ?? this.rev;
    if (revision > this.rev) throw new FutureRevisionError(revision, this.rev);
    const keys = this.keys.range(prefix, opts.startAfter);
    if (revision === this.rev) return { keys, items: keys.map((k) => this.objects.get(k)!.object), revision };
    if (revision < this.window.oldest()) throw new CompactedError(revision, this.window.oldest(), this.rev);
    return { ...this.listAt(prefix, opts.startAfter, keys, revision), revision };
  }

  /** The state at `revision`: the current keys with every later change undone, newest first. */
  private listAt(
    prefix: string,
    startAfter: string | undefined,
    current: string[],
    revision: number,
  ): { keys: string[]; items: KObject[] } {
    const past = new Map<string, KObject | null>();
    for (const e of this.window.newestFirstAfter(revision)) {
      if (!e.key.startsWith(prefix) || (startAfter !== undefined && e.key <= startAfter)) continue;
      past.set(e.key, e.type === 'ADDED' ? null : (e.prevObject ?? null));
    }
    const all = past.size ? [...new Set([...current, ...past.keys()])].sort() : current;
    const keys: string[] = [];
    const items: KObject[] = [];
    for (const k of all) {
      const o = past.has(k) ? past.get(k) : this.objects.get(k)?.object;
      if (!o) continue;
      keys.push(k);
      items.push(o);
    }
    return { keys, items };
  }

  /**
   * Events under prefix after fromRv from the window, then live ones, until stopped or ended by a re-list (onClose).
   * Throws RevisionTooOldError (410).
   */
  watch(prefix: string, fromRv: number, onEvent: (e: StoreEvent) => void, onClose?: () => void): Watcher {
    return this.window.subscribe(prefix, fromRv, this.rev, onEvent, onClose);
  }

  watcherCount(): number {
    return this.window.watcherCount();
  }

  /** Events and estimated bytes the window holds now. */
  usage(): { objects: number; events: number; bytes: number } {
    return { objects: this.objects.size, ...this.window.usage() };
  }

  /** Stops following the store (the store's close ends the stream as well). */
  stop(): void {
    this.closed = true;
    this.stream?.stop();
    this.stream = undefined;
  }
}

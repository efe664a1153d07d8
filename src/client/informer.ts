// An informer, as client-go's reflector + indexer + shared informer: list, then watch from the list's
// resourceVersion, keeping an indexed local cache; handlers see (type, old, new). A watch that drops is resumed from
// the last resourceVersion seen; one that expired (410) re-lists, and the re-list is diffed against the cache so
// that handlers see each change once: nothing lost, nothing repeated.
import type { KObject } from '../machinery/api/meta.js';
import { StatusError } from '../machinery/api/errors.js';
import type { Client, ClientWatch, ClientWatchEvent, Gvr } from './types.js';
import { objectKey } from './types.js';

export type InformerEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
/** `old` is the cached object before the change (undefined for ADDED); for DELETED, `obj` is the last state known. */
export type InformerHandler = (type: InformerEventType, old: KObject | undefined, obj: KObject) => void;
export type Predicate = (type: InformerEventType, old: KObject | undefined, obj: KObject) => boolean;
/** Values an object is filed under in an index (client-go's IndexFunc). */
export type IndexFunc = (obj: KObject) => string[];

/** Indexes controllers commonly need. */
export const INDEX = {
  namespace: ((o) => (o.metadata.namespace ? [o.metadata.namespace] : [])) as IndexFunc,
  ownerUid: ((o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid)) as IndexFunc,
  nodeName: ((o) => {
    const n = (o.spec as { nodeName?: string } | undefined)?.nodeName;
    return n ? [n] : [];
  }) as IndexFunc,
  label:
    (key: string): IndexFunc =>
    (o) => {
      const v = o.metadata.labels?.[key];
      return v === undefined ? [] : [v];
    },
};

/** Predicates, after controller-runtime's: only changes that matter pass. */
export const PREDICATE = {
  /** Resyncs (the same resourceVersion delivered again) do not pass. */
  resourceVersionChanged: ((t, old, obj) =>
    t !== 'MODIFIED' || old?.metadata.resourceVersion !== obj.metadata.resourceVersion) as Predicate,
  /** Status-only writes do not pass: generation moves only with the spec. */
  generationChanged: ((t, old, obj) => t !== 'MODIFIED' || old?.metadata.generation !== obj.metadata.generation) as Predicate,
};

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Every resyncMs, every cached object is delivered again as MODIFIED with old === obj (client-go's resync). */
  resyncMs?: number;
  indexers?: Record<string, IndexFunc>;
  /** Called with errors the informer recovers from by itself (a failed list, a dropped watch). */
  onError?: (err: Error) => void;
  /** First retry delay after a failure; doubles up to 30 s, as the reflector's back-off. */
  backoffMs?: number;
}

const isExpired = (e: unknown) => e instanceof StatusError && (e.code === 410 || e.reason === 'Expired' || e.reason === 'Gone');

export class Informer {
  private items = new Map<string, KObject>();
  private indices = new Map<string, Map<string, Set<string>>>();
  private indexers: Record<string, IndexFunc>;
  private handlers: { fn: InformerHandler; predicates: Predicate[] }[] = [];
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private started = false;
  private stopped = false;
  private watch?: ClientWatch;
  private wake?: () => void;
  private resyncTimer?: NodeJS.Timeout;
  /** The resourceVersion the next watch resumes from. */
  lastResourceVersion = '';
  /** How many lists this informer made (1 + re-lists), for tests and logs. */
  lists = 0;

  constructor(
    private client: Client,
    readonly gvr: Gvr,
    private opts: InformerOptions = {},
  ) {
    this.indexers = { namespace: INDEX.namespace, ...opts.indexers };
    for (const name of Object.keys(this.indexers)) this.indices.set(name, new Map());
  }

  /** Registers a handler; one added after the sync first sees every cached object as ADDED, as client-go does. */
  addEventHandler(fn: InformerHandler, ...predicates: Predicate[]): void {
    const h = { fn, predicates };
    this.handlers.push(h);
    if (this.synced) for (const o of this.items.values()) this.deliver(h, 'ADDED', undefined, o);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.run();
    if (this.opts.resyncMs) {
      this.resyncTimer = setInterval(() => {
        for (const o of this.items.values()) this.dispatch('MODIFIED', o, o);
      }, this.opts.resyncMs);
      this.resyncTimer.unref();
    }
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list is in the cache (and its handlers ran). */
  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    this.wake?.();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
  }

  // ---- the cache (read-only: objects are shared with handlers and must not be mutated) ----

  get(namespace: string | undefined, name: string): KObject | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): KObject[] {
    return [...this.items.values()];
  }

  byIndex(index: string, value: string): KObject[] {
    const keys = this.indices.get(index)?.get(value);
    if (!this.indices.has(index)) throw new Error(`informer ${this.gvr.resource}: no index ${index}`);
    return keys ? [...keys].map((k) => this.items.get(k)!) : [];
  }

  // ---- list and watch ----

  private async run(): Promise<void> {
    let relist = true;
    let delay = this.opts.backoffMs ?? 100;
    while (!this.stopped) {
      try {
        if (relist) {
          await this.relist();
          relist = false;
        }
        const end = await this.watchOnce();
        if (this.stopped) return;
        if (end === undefined) {
          delay = this.opts.backoffMs ?? 100;
          continue;
        } // a normal end: watch again at once
        if (isExpired(end)) {
          relist = true;
          continue;
        }
        this.opts.onError?.(end);
      } catch (e) {
        if (this.stopped) return;
        if (isExpired(e)) {
          relist = true;
          continue;
        }
        this.opts.onError?.(e as Error);
      }
      await this.sleep(delay);
      delay = Math.min(delay * 2, 30_000);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }

  /** Lists and replaces the cache, delivering only the differences (client-go's Replace, without repeats). */
  private async relist(): Promise<void> {
    const { namespace, labelSelector, fieldSelector } = this.opts;
    const l = await this.client.list(this.gvr, namespace, { labelSelector, fieldSelector });
    if (this.stopped) return;
    this.lists++;
    const seen = new Set<string>();
    for (const o of l.items) {
      seen.add(objectKey(o));
      this.upsert(o);
    }
    for (const [key, old] of [...this.items]) if (!seen.has(key)) this.remove(key, old);
    this.lastResourceVersion = l.resourceVersion;
    if (!this.synced) {
      this.synced = true;
      this.syncWaiters.splice(0).forEach((r) => r());
    }
  }

  /** One watch from lastResourceVersion; resolves with how it ended (undefined: closed normally). */
  private watchOnce(): Promise<Error | undefined> {
    const { namespace, labelSelector, fieldSelector } = this.opts;
    return new Promise((resolve, reject) => {
      let closed = false;
      this.client
        .watch(
          this.gvr,
          namespace,
          { resourceVersion: this.lastResourceVersion, labelSelector, fieldSelector, bookmarks: true },
          {
            onEvent: (e) => {
              if (!closed && !this.stopped) this.apply(e);
            },
            onClose: (err) => {
              closed = true;
              this.watch = undefined;
              resolve(err);
            },
          },
        )
        .then((w) => {
          if (closed || this.stopped) {
            w.stop();
            if (this.stopped) resolve(undefined);
            return;
          }
          this.watch = w;
          // stop() ends the wait, since a stopped watch reports nothing.
          const wake = () => {
            closed = true;
            resolve(undefined);
          };
          this.wake = wake;
        }, reject);
    });
  }

  private apply(e: ClientWatchEvent): void {
    const rv = e.object.metadata?.resourceVersion;
    if (e.type === 'BOOKMARK') {
      if (rv) this.lastResourceVersion = rv;
      return;
    }
    if (e.type === 'DELETED') {
      const key = objectKey(e.object);
      const old = this.items.get(key);
      if (old) this.remove(key, old, e.object);
    } else {
      this.upsert(e.object);
    }
    if (rv) this.lastResourceVersion = rv;
  }

  /** Caches `obj`, delivering ADDED or MODIFIED; the same resourceVersion again (a re-list's overlap) is no change. */
  private upsert(obj: KObject): void {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    this.dispatch(old ? 'MODIFIED' : 'ADDED', old, obj);
  }

  private remove(key: string, old: KObject, final: KObject = old): void {
    this.items.delete(key);
    this.unindex(key, old);
    this.dispatch('DELETED', old, final);
  }

  private index(key: string, obj: KObject): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        let s = idx.get(v);
        if (!s) idx.set(v, (s = new Set()));
        s.add(key);
      }
    }
  }

  private unindex(key: string, obj: KObject): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const s = idx.get(v);
        s?.delete(key);
        if (s && !s.size) idx.delete(v);
      }
    }
  }

  private dispatch(type: InformerEventType, old: KObject | undefined, obj: KObject): void {
    for (const h of this.handlers) this.deliver(h, type, old, obj);
  }

  private deliver(
    h: { fn: InformerHandler; predicates: Predicate[] },
    type: InformerEventType,
    old: KObject | undefined,
    obj: KObject,
  ): void {
    try {
      if (h.predicates.every((p) => p(type, old, obj))) h.fn(type, old, obj);
    } catch (e) {
      this.opts.onError?.(e as Error);
    }
  }
}

// A level-triggered controller, after controller-runtime's internal controller: events only enqueue keys; up to
// `workers` keys reconcile at once, but a key never twice at once; failures and "not yet" requeue with back-off.
// Sources are informers (list + watch + cache through the client seam): start() starts them and waits for their
// sync before any worker runs, stop() ends them; the queue's depth, adds and reconcile times go to /metrics.
import type { KObject } from '../machinery/api/meta.js';
import type { Logger } from '../log.js';
import type { Informer, InformerEventType, Predicate } from '../client/informer.js';
import { reconcileTime, reconcileTotal, workqueueAdds, workqueueDepth, workqueueRetries } from './controller-metrics.js';

export type ReconcileResult = void | { requeueAfterMs: number };
/** Keys a change enqueues (controller-runtime's EventHandler): the object's own, its owner's, ... */
export type KeysOf = (type: InformerEventType, old: KObject | undefined, obj: KObject) => string[];

export class Controller {
  private queue = new Set<string>();
  private processing = new Set<string>();
  private dirty = new Set<string>();
  private failures = new Map<string, number>();
  private timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private active = 0;
  private informers: Informer[] = [];
  /** Workers wait for start() once an informer source is added; controllers without sources run at once. */
  private started = true;

  /** @param workers concurrent reconciles (MaxConcurrentReconciles); keys stay exclusive */
  constructor(
    readonly name: string,
    private reconcile: (key: string) => Promise<ReconcileResult>,
    private log: Logger,
    private workers = 1,
  ) {}

  enqueue(key: string): void {
    if (this.stopped) return;
    if (this.processing.has(key)) {
      if (!this.dirty.has(key)) {
        this.dirty.add(key);
        workqueueAdds.inc({ name: this.name });
      }
      return;
    }
    if (this.queue.has(key)) return;
    this.queue.add(key);
    workqueueAdds.inc({ name: this.name });
    workqueueDepth.set({ name: this.name }, this.queue.size);
    this.drain();
  }

  /** An informer as a source: its changes that pass every predicate enqueue `keysOf` (before start()). */
  source(informer: Informer, keysOf: KeysOf, ...predicates: Predicate[]): this {
    if (this.informers.length === 0 && this.active === 0 && this.queue.size === 0) this.started = false;
    if (!this.informers.includes(informer)) this.informers.push(informer);
    informer.addEventHandler((type, old, obj) => keysOf(type, old, obj).forEach((k) => this.enqueue(k)), ...predicates);
    return this;
  }

  /** Starts the sources, waits until each has synced, then lets the workers run (waitForCacheSync, then workers). */
  async start(syncTimeoutMs = 120_000): Promise<void> {
    this.informers.forEach((i) => i.start());
    // controller-runtime's CacheSyncTimeout: a cache that never fills (a refused list) fails the start, not hangs it.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`controller ${this.name}: caches did not sync within ${syncTimeoutMs} ms`)), syncTimeoutMs);
    });
    try {
      await Promise.race([Promise.all(this.informers.map((i) => i.waitForSync())), timeout]);
    } finally {
      clearTimeout(timer);
    }
    if (this.stopped) return;
    this.started = true;
    this.drain();
  }

  enqueueAfter(key: string, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.enqueue(key);
    }, ms);
    this.timers.add(t);
  }

  private drain(): void {
    while (this.started && this.active < this.workers && this.queue.size && !this.stopped) {
      this.active++;
      void this.work().finally(() => {
        this.active--;
        this.drain();
      });
    }
  }

  /** One worker: takes queued keys until none is left. */
  private async work(): Promise<void> {
    while (this.queue.size && !this.stopped) {
      const key = this.queue.values().next().value as string;
      this.queue.delete(key);
      workqueueDepth.set({ name: this.name }, this.queue.size);
      this.processing.add(key);
      const endTimer = reconcileTime.startTimer({ controller: this.name });
      try {
        const r = await this.reconcile(key);
        this.failures.delete(key);
        if (r && r.requeueAfterMs) this.enqueueAfter(key, r.requeueAfterMs);
        reconcileTotal.inc({ controller: this.name, result: r && r.requeueAfterMs ? 'requeue_after' : 'success' });
      } catch (e) {
        reconcileTotal.inc({ controller: this.name, result: 'error' });
        workqueueRetries.inc({ name: this.name });
        // The item exponential failure rate limiter: 5 ms doubling per failure of the same key, at most a minute.
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        const delay = Math.min(5 * 2 ** n, 60_000);
        this.log.warn({ controller: this.name, key, err: (e as Error).message, retryMs: delay }, 'reconcile failed');
        this.enqueueAfter(key, delay);
      } finally {
        endTimer();
        this.processing.delete(key);
        if (this.dirty.delete(key)) {
          this.queue.add(key);
          workqueueDepth.set({ name: this.name }, this.queue.size);
        }
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.informers.forEach((i) => i.stop());
    this.timers.forEach(clearTimeout);
  }
}

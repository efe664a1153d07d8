// A level-triggered controller, after controller-runtime: events only enqueue keys; up to `workers` keys
// reconcile at once, but a key never twice at once; failures and "not yet" requeue with back-off.
import type { ResourceService } from '../registry/service.js';
import { ObjectFilter } from '../registry/object-filter.js';
import type { ResourceDef } from '../registry/types.js';
import type { KObject } from '../machinery/api/meta.js';
import type { Watcher } from '../storage/store.js';
import type { Logger } from '../log.js';

export type ReconcileResult = void | { requeueAfterMs: number };

export class Controller {
  private queue = new Set<string>();
  private processing = new Set<string>();
  private dirty = new Set<string>();
  private failures = new Map<string, number>();
  private timers = new Set<NodeJS.Timeout>();
  private watchers: Watcher[] = [];
  private stopped = false;
  private active = 0;

  /** @param workers concurrent reconciles (MaxConcurrentReconciles); keys stay exclusive */
  constructor(readonly name: string, private reconcile: (key: string) => Promise<ReconcileResult>, private log: Logger,
    private workers = 1) {}

  enqueue(key: string): void {
    if (this.stopped) return;
    if (this.processing.has(key)) { this.dirty.add(key); return; }
    this.queue.add(key);
    this.drain();
  }

  enqueueAfter(key: string, ms: number): void {
    const t = setTimeout(() => { this.timers.delete(t); this.enqueue(key); }, ms);
    this.timers.add(t);
  }

  /** List+watch a resource (in process, so it never falls behind the window), mapping changes to keys. */
  async watch(service: ResourceService, def: ResourceDef, keysOf: (obj: KObject) => string[]): Promise<void> {
    const filter = new ObjectFilter(def);
    const start = async () => {
      const w = await service.watch(def, undefined, undefined, filter, (_type, obj) => keysOf(obj).forEach((k) => this.enqueue(k)));
      this.watchers.push(w);
    };
    await start();
  }

  private drain(): void {
    while (this.active < this.workers && this.queue.size && !this.stopped) {
      this.active++;
      void this.work().finally(() => { this.active--; this.drain(); });
    }
  }

  /** One worker: takes queued keys until none is left. */
  private async work(): Promise<void> {
    while (this.queue.size && !this.stopped) {
      const key = this.queue.values().next().value as string;
      this.queue.delete(key);
      this.processing.add(key);
      try {
        const r = await this.reconcile(key);
        this.failures.delete(key);
        if (r && r.requeueAfterMs) this.enqueueAfter(key, r.requeueAfterMs);
      } catch (e) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        const delay = Math.min(5 * 2 ** n, 60_000);
        this.log.warn({ controller: this.name, key, err: (e as Error).message, retryMs: delay }, 'reconcile failed');
        this.enqueueAfter(key, delay);
      } finally {
        this.processing.delete(key);
        if (this.dirty.delete(key)) this.queue.add(key);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.watchers.forEach((w) => w.stop());
    this.timers.forEach(clearTimeout);
  }
}

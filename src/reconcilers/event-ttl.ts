// Events expire --event-ttl after their last write, as the apiserver stores each event write with an etcd
// lease of that TTL. We keep each event's due time from the watch (a map update per write) and sweep
// the due ones on a timer, deleting each only if it has not been written since (resourceVersion precondition).
// Works through the client seam as kube-system/event-ttl-controller (system:dockube:event-ttl), with an informer on events.
import { StatusError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import { Informer } from '../client/informer.js';
import { EVENT_TTL } from '../client/identities.js';
import { GVR } from '../client/types.js';
import type { ReconcilerContext } from './context.js';

export interface EventTtlOptions {
  ttlMs: number;
  /** How often due events are looked for: default min(ttl/10, 60 s). */
  sweepMs?: number;
  now?: () => number;
}

export interface EventTtl {
  /** Deletes the events that are due now; resolves to how many were deleted. */
  sweep(): Promise<number>;
  stop(): void;
}

interface Due {
  at: number;
  rv: string;
  namespace: string;
  name: string;
}

/** When an event found at startup was last written, as well as its own fields tell. */
function lastWriteOf(ev: KObject, fallback: number): number {
  const series = ev.series as { lastObservedTime?: string } | undefined;
  const times = [ev.lastTimestamp, series?.lastObservedTime, ev.eventTime, ev.firstTimestamp, ev.metadata.creationTimestamp]
    .map((t) => (typeof t === 'string' ? Date.parse(t) : NaN))
    .filter((t) => !Number.isNaN(t));
  return times.length ? Math.min(Math.max(...times), fallback) : fallback;
}

export async function startEventTtl(ctx: ReconcilerContext, opts: EventTtlOptions): Promise<EventTtl> {
  const client = ctx.client(EVENT_TTL);
  const now = opts.now ?? Date.now;
  const ttl = opts.ttlMs;
  const due = new Map<string, Due>();
  const keyOf = (o: KObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  const track = (o: KObject, writtenAt: number) => {
    due.set(keyOf(o), {
      at: writtenAt + ttl,
      rv: o.metadata.resourceVersion ?? '',
      namespace: o.metadata.namespace!,
      name: o.metadata.name!,
    });
  };

  const events = new Informer(client, GVR.events, {
    onError: (err) => ctx.log.warn({ controller: 'event-ttl', err: err.message }, 'informer'),
  });
  events.addEventHandler((type, _old, obj) => {
    if (type === 'DELETED') due.delete(keyOf(obj));
    // Events of the first list were written before we looked: their own timestamps tell when.
    else track(obj, events.hasSynced() ? now() : lastWriteOf(obj, now()));
  });
  events.start();
  await events.waitForSync();

  let sweeping: Promise<number> | undefined;
  const sweepOnce = async (): Promise<number> => {
    const t = now();
    let deleted = 0;
    for (const [key, d] of [...due]) {
      if (d.at > t) continue;
      try {
        await client.delete(GVR.events, d.namespace, d.name, { preconditions: { resourceVersion: d.rv } });
        deleted++;
        if (due.get(key) === d) due.delete(key);
      } catch (e) {
        const code = e instanceof StatusError ? e.code : 0;
        if (code === 404) {
          if (due.get(key) === d) due.delete(key);
          continue;
        }
        // 409: written again meanwhile; the watch has moved its due time.
        if (code !== 409) ctx.log.warn({ event: key, err: (e as Error).message }, 'could not delete expired event');
      }
    }
    return deleted;
  };
  const sweep = () =>
    (sweeping ??= sweepOnce().finally(() => {
      sweeping = undefined;
    }));

  const every = Math.max(10, opts.sweepMs ?? Math.min(ttl / 10, 60_000));
  const timer = setInterval(() => {
    void sweep();
  }, every);
  timer.unref();
  return {
    sweep,
    stop: () => {
      clearInterval(timer);
      events.stop();
    },
  };
}

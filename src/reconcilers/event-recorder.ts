// Events from our own components (kubelet, scheduler, controllers), written the way client-go's recorder
// writes them: core/v1 Events named <object>.<hex nanoseconds>, identical repeats folded into one event
// (count, lastTimestamp), many similar ones combined, each source+object rate-limited, and failures logged,
// never thrown into the caller. Writes go out one at a time, in order, off the caller's path, through the client
// seam as the component's own identity (a repeat is a merge patch, as client-go's recorder patches).
import { StatusError } from '../machinery/api/errors.js';
import type { KObject } from '../machinery/api/meta.js';
import type { Logger } from '../log.js';
import { GVR, type Client } from '../client/types.js';

export type EventType = 'Normal' | 'Warning';

export interface RecordOptions {
  /** Who reports: source.component and reportingComponent (e.g. `kubelet`, `default-scheduler`). */
  component: string;
  /** Where it runs: source.host and reportingInstance (the node name for the kubelet). */
  host?: string;
  action?: string;
  /** The part of the object, e.g. `spec.containers{web}`. */
  fieldPath?: string;
}

export interface EventRecorderOptions {
  now?: () => Date;
  /** Events a source may emit about one object at once (client-go: 25)... */
  burst?: number;
  /** ...and how often one more is allowed after that (client-go: one per 5 minutes). */
  refillMs?: number;
  /** Distinct messages with the same reason before they are combined (client-go: 10)... */
  similarMax?: number;
  /** ...within this window (client-go: 10 minutes). */
  similarWindowMs?: number;
  /** Writes waiting beyond this are dropped, as the broadcaster's full queue drops them. */
  maxPending?: number;
}

interface Observed {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}
interface Similar {
  messages: Set<string>;
  last: number;
}
interface Bucket {
  tokens: number;
  last: number;
}

const LRU_MAX = 4096;
const COMBINED_PREFIX = '(combined from similar events): ';

/** metav1.Time: RFC 3339 with second precision. */
const timeOf = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

/** A bounded map that forgets the least recently used key (the correlator's LRU caches). */
class Lru<V> {
  private m = new Map<string, V>();
  constructor(private max: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value as string);
  }
}

/** An ObjectReference to the object, as client-go's reference.GetReference builds it. */
export function objectReference(obj: KObject, fieldPath?: string): Record<string, string> {
  const m = obj.metadata ?? {};
  const ref: Record<string, string> = {};
  const put = (k: string, v: unknown) => {
    if (typeof v === 'string' && v) ref[k] = v;
  };
  put('kind', obj.kind);
  put('namespace', m.namespace);
  put('name', m.name);
  put('uid', m.uid);
  put('apiVersion', obj.apiVersion);
  put('resourceVersion', m.resourceVersion);
  put('fieldPath', fieldPath);
  return ref;
}

export class EventRecorder {
  private readonly now: () => Date;
  private readonly burst: number;
  private readonly refillMs: number;
  private readonly similarMax: number;
  private readonly similarWindowMs: number;
  private readonly maxPending: number;
  private observed = new Lru<Observed>(LRU_MAX);
  private similar = new Lru<Similar>(LRU_MAX);
  private buckets = new Lru<Bucket>(LRU_MAX);
  private pending = 0;
  private tail: Promise<void> = Promise.resolve();
  private lastNanos = 0n;
  constructor(
    private client: Client,
    private log: Logger,
    opts: EventRecorderOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.burst = opts.burst ?? 25;
    this.refillMs = opts.refillMs ?? 300_000;
    this.similarMax = opts.similarMax ?? 10;
    this.similarWindowMs = opts.similarWindowMs ?? 600_000;
    this.maxPending = opts.maxPending ?? 1000;
  }

  /** Records an event about `regarding`. Never throws; the write happens in the background (see flush). */
  record(regarding: KObject, type: EventType, reason: string, message: string, opts: RecordOptions): void {
    try {
      this.correlate(regarding, type, reason, message, opts);
    } catch (e) {
      this.log.warn({ err: (e as Error).message, reason }, 'could not record event');
    }
  }

  /** Resolves once every event recorded so far has been written (or has failed and been logged). */
  flush(): Promise<void> {
    return this.tail;
  }

  private correlate(regarding: KObject, type: EventType, reason: string, message: string, opts: RecordOptions): void {
    const ref = objectReference(regarding, opts.fieldPath);
    const source = { component: opts.component, host: opts.host ?? '' };
    const objectKey = [source.component, source.host, ref.kind, ref.namespace, ref.name, ref.uid, ref.apiVersion]
      .map((s) => s ?? '')
      .join('\u0000');
    const nowDate = this.now();
    const nowMs = nowDate.getTime();
    if (!this.allow(objectKey, nowMs)) {
      this.log.debug({ reason, object: `${ref.kind}/${ref.name}` }, 'event dropped by the rate limit');
      return;
    }
    // Many messages with one reason about one object become one "(combined ...)" event.
    const similarKey = [objectKey, type, reason].join('\u0000');
    let sim = this.similar.get(similarKey);
    if (!sim || nowMs - sim.last > this.similarWindowMs) sim = { messages: new Set(), last: nowMs };
    sim.messages.add(message);
    sim.last = nowMs;
    this.similar.set(similarKey, sim);
    let key = [objectKey, ref.fieldPath ?? '', type, reason, message].join('\u0000');
    let text = message;
    if (sim.messages.size >= this.similarMax) {
      sim.messages.delete(sim.messages.values().next().value as string); // keep the set bounded
      key = similarKey;
      text = COMBINED_PREFIX + message;
    }
    // An identical event seen before is the same Event object, counted once more.
    const ts = timeOf(nowDate);
    const prev = this.observed.get(key);
    const namespace = ref.namespace || 'default';
    const obs: Observed = prev
      ? { ...prev, count: prev.count + 1 }
      : { name: `${ref.name ?? ''}.${this.nanos(nowMs).toString(16)}`, namespace, count: 1, firstTimestamp: ts };
    this.observed.set(key, obs);
    const event: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: obs.name, namespace: obs.namespace },
      involvedObject: ref,
      reason,
      message: text,
      source: opts.host ? { component: source.component, host: opts.host } : { component: source.component },
      firstTimestamp: obs.firstTimestamp,
      lastTimestamp: ts,
      count: obs.count,
      type,
      reportingComponent: source.component,
      reportingInstance: source.host,
      ...(opts.action ? { action: opts.action } : {}),
    };
    this.enqueue(() => this.write(event, !!prev));
  }

  /** The spam filter: a token bucket per source and object. */
  private allow(key: string, nowMs: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: this.burst, last: nowMs };
    b.tokens = Math.min(this.burst, b.tokens + (nowMs - b.last) / this.refillMs);
    b.last = nowMs;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    return ok;
  }

  /** UnixNano of the event, unique within this recorder so two events in one millisecond get two names. */
  private nanos(ms: number): bigint {
    let n = BigInt(ms) * 1_000_000n;
    if (n <= this.lastNanos) n = this.lastNanos + 1n;
    this.lastNanos = n;
    return n;
  }

  private enqueue(task: () => Promise<void>): void {
    if (this.pending >= this.maxPending) {
      this.log.warn('event queue full, dropping event');
      return;
    }
    this.pending++;
    this.tail = this.tail
      .then(task)
      .catch(() => undefined)
      .finally(() => {
        this.pending--;
      });
  }

  private async write(event: KObject, isRepeat: boolean): Promise<void> {
    const { name, namespace } = event.metadata as { name: string; namespace: string };
    const write = { fieldManager: String((event.source as { component: string }).component) };
    try {
      if (isRepeat) {
        try {
          await this.client.patch(
            GVR.events,
            namespace,
            name,
            'merge',
            { count: event.count, lastTimestamp: event.lastTimestamp, message: event.message },
            write,
          );
          return;
        } catch (e) {
          // The event expired or was deleted: write it again under its name, as client-go does.
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
      await this.client.create(GVR.events, namespace, event, write);
    } catch (e) {
      this.log.warn({ err: (e as Error).message, event: `${namespace}/${name}`, reason: event.reason }, 'could not write event');
    }
  }
}
